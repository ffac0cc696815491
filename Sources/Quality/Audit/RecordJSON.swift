import Foundation
public import LedgerCore

/// A record's JSON as the checks read it: a parsed tree, or its canonical bytes read in place.
///
/// An audit holds every record as the canonical bytes (RFC 8785) that were verified when they
/// arrived. Parsing each into a tree to read the twenty-odd values the checks look at was a
/// seventh of a 1M audit's CPU, and freeing the trees' strings and arrays more. In place, a
/// lookup walks the members one scan found (`CanonicalMembers`, the nested objects' too) and
/// decodes only the value it reaches.
///
/// Keys are compared as bytes: canonical JSON escapes a key only for a quote, a backslash or a
/// control character, which no path of the rules holds.
public struct RecordJSON: Sendable {
    enum Storage: Sendable {
        case tree(JSONValue)
        case canonical(Canonical)
    }

    let storage: Storage

    public init(_ value: JSONValue) {
        storage = .tree(value)
    }

    /// From canonical bytes and their top-level members (`CanonicalMembers.scan`); nil when a
    /// nested object does not scan.
    public init?(canonical bytes: [UInt8], members: [CanonicalMembers.Member]) {
        guard let canonical = Canonical(bytes: bytes, members: members) else { return nil }
        storage = .canonical(canonical)
    }

    /// The whole value. From canonical bytes it is parsed on each call: for the rare caller
    /// that needs a tree (a conflict's field list, the tree projection tests compare with).
    public var tree: JSONValue {
        switch storage {
        case .tree(let value): value
        case .canonical(let canonical): (try? JSONParser.parse(canonical.bytes)) ?? .null
        }
    }

    /// The value at `components` from the root, alone.
    public func lookup(_ components: [String]) -> JSONValue? {
        switch storage {
        case .tree(let root):
            return RecordPath.lookup(root, components)
        case .canonical(let canonical):
            return canonical.range(components).flatMap(canonical.decode)
        }
    }

    /// The string at `components`, or nil (absent or not a string).
    public func string(_ components: [String]) -> String? {
        switch storage {
        case .tree(let root):
            return RecordPath.lookup(root, components)?.stringValue
        case .canonical(let canonical):
            guard let range = canonical.range(components), canonical.bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
            return canonical.decode(range)?.stringValue
        }
    }

    /// What a path holds, telling an object from other values without decoding it.
    enum Kind {
        case absent
        case null
        case object
        case other(JSONValue)
    }

    func kind(at components: [String]) -> Kind {
        switch storage {
        case .tree(let root):
            switch RecordPath.lookup(root, components) {
            case nil: return .absent
            case .null?: return .null
            case .object?: return .object
            case let other?: return .other(other)
            }
        case .canonical(let canonical):
            guard let range = canonical.range(components) else { return .absent }
            switch canonical.bytes[range.lowerBound] {
            case UInt8(ascii: "{"): return .object
            case UInt8(ascii: "n"): return .null
            default: return canonical.decode(range).map(Kind.other) ?? .absent
            }
        }
    }

    /// The top-level members with the members of each one that is an object (`entity`,
    /// `fields`, `source`), found once: the checks look into `fields` a dozen times a record.
    struct Canonical: Sendable {
        let bytes: [UInt8]
        let members: [CanonicalMembers.Member]
        /// By position in `members`: the members of its value when that is an object.
        let nested: [[CanonicalMembers.Member]?]

        init?(bytes: [UInt8], members: [CanonicalMembers.Member]) {
            var nested: [[CanonicalMembers.Member]?] = []
            nested.reserveCapacity(members.count)
            for member in members {
                if bytes[member.value.lowerBound] == UInt8(ascii: "{") {
                    guard let inner = CanonicalMembers.scan(bytes, in: member.value) else { return nil }
                    nested.append(inner)
                } else {
                    nested.append(nil)
                }
            }
            self.bytes = bytes
            self.members = members
            self.nested = nested
        }

        /// Where the value at `components` lies in `bytes`.
        func range(_ components: [String]) -> Range<Int>? {
            var list = members
            var value: Range<Int>?
            for (depth, component) in components.enumerated() {
                if depth > 0 {
                    guard let current = value, bytes[current.lowerBound] == UInt8(ascii: "{") else { return nil }
                    if depth > 1 {
                        guard let scanned = CanonicalMembers.scan(bytes, in: current) else { return nil }
                        list = scanned
                    }
                }
                guard let index = position(of: component, in: list) else { return nil }
                value = list[index].value
                if depth == 0 {
                    guard components.count > 1 else { break }
                    guard let inner = nested[index] else { return nil }
                    list = inner
                }
            }
            return value
        }

        /// By length, then memcmp: the generic `elementsEqual` of a slice and a UTF-8 view was
        /// 5% of a 1M audit's CPU.
        func position(of key: String, in list: [CanonicalMembers.Member]) -> Int? {
            var key = key
            return key.withUTF8 { wanted in
                bytes.withUnsafeBufferPointer { data in
                    for index in list.indices where list[index].key.count == wanted.count {
                        if wanted.isEmpty || memcmp(data.baseAddress! + list[index].key.lowerBound, wanted.baseAddress!, wanted.count) == 0 { return index }
                    }
                    return nil
                }
            }
        }

        func decode(_ range: Range<Int>) -> JSONValue? {
            if let plain = CanonicalMembers.plainString(bytes, range) { return .string(plain) }
            return try? JSONParser.parse(bytes[range])
        }
    }
}
