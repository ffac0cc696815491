public import LedgerCore

extension JSONValue {
    /// A copy with the value at the dotted `path` replaced, or removed when `newValue` is nil.
    /// Missing intermediate objects are created; a non-object on the way is left unchanged.
    public func setting(_ path: String, to newValue: JSONValue?) -> JSONValue {
        setting(path.split(separator: ".").map(String.init)[...], to: newValue)
    }

    private func setting(_ path: ArraySlice<String>, to newValue: JSONValue?) -> JSONValue {
        guard let key = path.first else { return newValue ?? self }
        var members: [Member]
        switch self {
        case .object(let existing): members = existing
        case .null: members = []
        default: return self
        }
        let index = members.firstIndex { $0.key == key }
        if path.count == 1 {
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(key, value))
            case (nil, nil): break
            }
        } else {
            let child = index.map { members[$0].value } ?? .null
            let updated = child.setting(path.dropFirst(), to: newValue)
            if let index { members[index].value = updated } else { members.append(Member(key, updated)) }
        }
        return .object(members)
    }
}
