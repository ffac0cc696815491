import LedgerCore

extension JSONValue {
    /// The member named `key` of an object, or nil. The checker's hot lookup: it compares keys in
    /// place instead of copying each member it passes, as iterating the members would.
    func member(_ key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let length = key.utf8.count
        for index in members.indices where members[index].key.utf8.count == length && members[index].key == key {
            return members[index].value
        }
        return nil
    }
}
