public import LedgerCore
public import Mirroring

extension FeedVerifier {
    /// Verifies a delivery as the wire carries it: a header of this protocol version, then the
    /// pure verdict (`verify(_:cursor:)`).
    public func verify(header: FeedDeliveryHeader, entries: [[UInt8]], cursor: FeedCursor?) throws(FeedError) -> VerifiedFeedDelivery {
        guard header.version == SyncAPI.version else { throw FeedError.refused(.malformed, "the delivery has protocol version \(header.version), this node speaks \(SyncAPI.version)") }
        return try verify(UnverifiedFeedDelivery(origin: header.origin, from: header.from, size: header.size, checkpoint: header.checkpoint,
                                                 consistency: header.consistency, entries: entries), cursor: cursor)
    }
}
