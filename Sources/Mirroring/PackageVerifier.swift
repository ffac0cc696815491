public import LedgerCore

/// Verifies packages against the signed checkpoint the upload targets, from the mirror's
/// frontier: the root after each package must be consistent with the target root.
public struct PackageVerifier: Sendable {
    public private(set) var frontier: MerkleFrontier
    public let target: Checkpoint
    let hasher: TreeHasher

    public init(frontier: MerkleFrontier, target: Checkpoint, hasher: TreeHasher) {
        self.frontier = frontier
        self.target = target
        self.hasher = hasher
    }

    /// Checks `package` and advances; returns its entries, verified.
    public mutating func verify(_ package: EntryPackage, suite: Suite) throws(MirroringError) -> VerifiedBatch {
        try verify(package, prepared: package.records.map { PreparedEntry($0, suite: suite) })
    }

    /// `verify` with the package's entries already hashed.
    public mutating func verify(_ package: EntryPackage, prepared: [PreparedEntry]) throws(MirroringError) -> VerifiedBatch {
        guard package.range.lowerBound == frontier.size, prepared.count == package.records.count else {
            throw MirroringError(.outOfOrder, "package starts at \(package.range.lowerBound), HQ's next entry is \(frontier.size)")
        }
        var next = frontier
        for entry in prepared {
            next.append(entry.leafHash, hasher: hasher)
        }
        let root = next.root(hasher: hasher)
        do {
            try ConsistencyProof(oldSize: next.size, newSize: target.size, hashes: package.proof)
                .verify(oldRoot: root, newRoot: target.root, hasher: hasher)
        } catch {
            throw MirroringError(.proofInvalid, "entries \(package.range.lowerBound)..<\(package.range.upperBound) are not those of the signed checkpoint of size \(target.size): \(error.message)")
        }
        frontier = next
        return VerifiedBatch(start: package.range.lowerBound, entries: prepared, root: root)
    }
}
