public import PKI

/// Who the client certificate of a connection says the peer is: its one province (or why it
/// names none, several or a malformed one) and its serial, for revocation. Read from the
/// verified certificate once per connection, by the TLS layer (`PeerIdentityRecorder`).
public struct PeerIdentity: Sendable, Equatable {
    public let province: Result<String, ProvinceIdentity.Refusal>
    public let serial: String?

    public init(certificateDER der: [UInt8]) {
        province = ProvinceIdentity.province(ofDER: der)
        serial = ProvinceIdentity.serial(ofDER: der)
    }
}
