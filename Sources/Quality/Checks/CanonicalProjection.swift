import LedgerCore

/// A record's canonical bytes reduced to the members at some dotted paths, cut from the bytes
/// themselves: the same bytes as parsing the record, keeping those paths' values
/// (`GroupChecker.projection`) and encoding the result canonically, without the tree or the
/// encoder. A subset of a canonical object's members, in their order, is canonical.
///
/// Written by hand because the tree way was a tenth of an audit's CPU (building the reduced
/// object and encoding it, for every record of a million).
/// Path components are matched against keys' bytes as stored; canonical JSON writes a key
/// without escapes unless it holds a quote, a backslash or a control character, which no
/// rules path does.
struct CanonicalProjection: Sendable {
    struct Node: Sendable {
        var key: [UInt8]
        /// The whole value is kept (a path ends here).
        var whole: Bool
        var children: [Node]
    }

    let roots: [Node]

    init(paths: [[String]]) {
        var roots: [Node] = []
        for path in paths where !path.isEmpty { Self.insert(path[...], into: &roots) }
        self.roots = roots
    }

    static func insert(_ path: ArraySlice<String>, into nodes: inout [Node]) {
        guard let first = path.first else { return }
        let key = Array(first.utf8)
        let position = nodes.firstIndex { $0.key == key } ?? {
            nodes.append(Node(key: key, whole: false, children: []))
            return nodes.count - 1
        }()
        if path.count == 1 { nodes[position].whole = true } else { insert(path.dropFirst(), into: &nodes[position].children) }
    }

    /// The projection of the canonical object `bytes`, whose top-level `members` a scan found.
    func project(_ bytes: [UInt8], _ members: [CanonicalMembers.Member]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        output.append(UInt8(ascii: "{"))
        _ = Self.append(bytes, members, roots, to: &output)
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// Appends the kept members (comma-separated, no braces); how many it appended.
    static func append(_ bytes: [UInt8], _ members: [CanonicalMembers.Member], _ nodes: [Node], to output: inout [UInt8]) -> Int {
        var written = 0
        for member in members {
            guard let node = nodes.first(where: { bytes[member.key].elementsEqual($0.key) }) else { continue }
            let mark = output.count
            if written > 0 { output.append(UInt8(ascii: ",")) }
            if node.whole {
                output.append(contentsOf: bytes[(member.key.lowerBound - 1)..<member.value.upperBound])
            } else {
                // A path through a value that is not an object, or an object with none of the
                // path's members, leaves no trace (as a lookup that fails).
                guard let inner = CanonicalMembers.scan(bytes, in: member.value) else {
                    output.removeSubrange(mark...)
                    continue
                }
                output.append(contentsOf: bytes[(member.key.lowerBound - 1)..<member.value.lowerBound])
                output.append(UInt8(ascii: "{"))
                guard append(bytes, inner, node.children, to: &output) > 0 else {
                    output.removeSubrange(mark...)
                    continue
                }
                output.append(UInt8(ascii: "}"))
            }
            written += 1
        }
        return written
    }
}
