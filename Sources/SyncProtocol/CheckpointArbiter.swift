import LedgerCore

/// Decides what HQ does with a signed checkpoint a province submits (`add-checkpoint`), from what
/// HQ already holds. Pure: the caller looks up the facts, performs the decision atomically with
/// storing it, and keeps evidence of forks.
public enum CheckpointArbiter {
    public enum Decision: Equatable, Sendable {
        /// A true append-only extension: store it as the pending checkpoint.
        case accept
        /// HQ already has exactly this checkpoint.
        case alreadyKnown
        /// The client's old size is not HQ's latest; it should retry from `current`.
        case conflict(current: UInt64)
        /// An older checkpoint than HQ's latest (a replay): refused, nothing changes.
        case stale(current: UInt64)
        /// Evidence of a fork: two signed roots for one size, or a checkpoint that does not
        /// extend HQ's latest. Keep both, raise an alarm, refuse.
        case fork(reason: String)
        /// The request contradicts itself.
        case badRequest(String)
    }

    /// - Parameters:
    ///   - latest: HQ's latest verified checkpoint of this log (nil if none).
    ///   - knownRoot: the root HQ can vouch for at `incoming.size`, if any (a stored checkpoint
    ///     of that size, or its verified entries).
    public static func decide(latest: Checkpoint?, oldSize: UInt64, proof: [Hash], incoming: Checkpoint,
                              knownRoot: Hash?, hasher: TreeHasher) -> Decision {
        // A signed root that contradicts one HQ vouches for is evidence, whatever else the request says.
        if let knownRoot, knownRoot != incoming.root {
            return .fork(reason: "two different signed roots for tree size \(incoming.size)")
        }
        guard oldSize <= incoming.size else {
            return .badRequest("old size \(oldSize) is larger than the checkpoint's size \(incoming.size)")
        }
        let current = latest?.size ?? 0
        if incoming.size < current { return .stale(current: current) }
        if incoming.size == current, latest != nil { return .alreadyKnown }
        guard oldSize == current else { return .conflict(current: current) }
        guard let latest else {
            return proof.isEmpty ? .accept : .badRequest("the proof from size 0 must be empty")
        }
        do {
            try ConsistencyProof(oldSize: latest.size, newSize: incoming.size, hashes: proof)
                .verify(oldRoot: latest.root, newRoot: incoming.root, hasher: hasher)
        } catch {
            return .fork(reason: "the checkpoint of size \(incoming.size) does not provably extend HQ's checkpoint of size \(latest.size): \(error.message)")
        }
        return .accept
    }
}
