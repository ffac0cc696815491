/// A business record's key.
public struct StateKey: Sendable, Hashable {
    public var category: String
    public var id: String

    public init(category: String, id: String) {
        self.category = category
        self.id = id
    }
}
