/// What differs between the central register and a province's state for one business record
/// `(category, id)` (DESIGN §8, local diff).
public struct Gap: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// The province has it; the central register lacks it.
        case missingCentral = "missing_central"
        /// The central register has it; the province lacks it.
        case missingLocal = "missing_local"
        /// Both have it, with different content; `fields` names the differing paths.
        case conflict
        /// The province revoked it; the central register holds it active.
        case revokedLocalActiveCentral = "revoked_local_active_central"
        /// The central register revoked it; the province holds it active.
        case revokedCentralActiveLocal = "revoked_central_active_local"
    }

    public var kind: Kind
    public var category: String
    public var id: String
    /// The province's log index of its current record, if it has one.
    public var localIndex: UInt64?
    /// The central register's sequence number of its current record, if it has one.
    public var centralIndex: UInt64?
    /// For conflicts: the content paths whose values differ (`entity.name`, `fields.fine_amount`).
    public var fields: [String]

    public init(kind: Kind, category: String, id: String, localIndex: UInt64?, centralIndex: UInt64?, fields: [String] = []) {
        self.kind = kind
        self.category = category
        self.id = id
        self.localIndex = localIndex
        self.centralIndex = centralIndex
        self.fields = fields
    }

    enum CodingKeys: String, CodingKey {
        case kind, category, id, fields
        case localIndex = "local_index"
        case centralIndex = "central_index"
    }
}
