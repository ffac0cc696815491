public import LedgerCore

/// Decides what HQ does with a signed checkpoint a province submits (`add-checkpoint`), from the
/// facts HQ holds. Pure: the storage reads the facts and stores the outcome inside one write
/// transaction (a compare-and-set on the latest checkpoint), so the decision holds whatever
/// else runs meanwhile, in this process or another.
///
/// A fork is raised only on proof (DESIGN §6.4): two signed checkpoints of one size with
/// different roots, or a signed root that differs from the root of entries HQ holds. A
/// consistency proof that does not verify is unsigned client data: refused (422), never an alarm.
public enum CheckpointArbiter {
    /// A checkpoint HQ holds, with its signed note as received (kept as evidence).
    public struct Held: Sendable, Equatable {
        public var checkpoint: Checkpoint
        public var note: String

        public init(checkpoint: Checkpoint, note: String) {
            self.checkpoint = checkpoint
            self.note = note
        }
    }

    /// What HQ holds that bears on one submitted checkpoint, read in the deciding transaction.
    public struct Facts: Sendable, Equatable {
        /// HQ's latest accepted checkpoint (nil before the first).
        public var latest: Held?
        /// The accepted checkpoint of the submitted size, if any.
        public var atSize: Held?
        /// Validly signed checkpoints of the submitted size that HQ saw and did not accept.
        public var seenAtSize: [Held]
        /// The root of the entries HQ holds, when it holds the submitted size.
        public var computedRoot: Hash?

        public init(latest: Held?, atSize: Held? = nil, seenAtSize: [Held] = [], computedRoot: Hash? = nil) {
            self.latest = latest
            self.atSize = atSize
            self.seenAtSize = seenAtSize
            self.computedRoot = computedRoot
        }
    }

    public enum Decision: Equatable, Sendable {
        /// A true append-only extension: store it as the latest checkpoint.
        case accept
        /// HQ already has exactly this checkpoint.
        case alreadyKnown
        /// The client's old size is not HQ's latest; it should retry from `current`.
        case conflict(current: UInt64)
        /// Older than HQ's latest, and nothing HQ holds contradicts it: refused, kept as seen.
        case stale(current: UInt64)
        /// Proof of a fork. `held` is the contradicting checkpoint HQ holds (nil when the
        /// contradiction is with HQ's entries). Keep both, raise an alarm, refuse.
        case fork(reason: String, held: Held?)
        /// The consistency proof does not verify: bad client data (422), kept as seen, no alarm.
        case proofInvalid(String)
        /// The request contradicts itself.
        case badRequest(String)

        /// Whether the submitted checkpoint is kept as seen (validly signed, not accepted):
        /// should entries or another checkpoint later contradict it, that is proof of a fork.
        public var keepsAsSeen: Bool {
            switch self {
            case .conflict, .stale, .proofInvalid: true
            case .accept, .alreadyKnown, .fork, .badRequest: false
            }
        }
    }

    public static func decide(_ facts: Facts, oldSize: UInt64, proof: [Hash], incoming: Checkpoint, hasher: TreeHasher) -> Decision {
        // A signed root that contradicts one HQ vouches for is evidence, whatever else the request says.
        if let held = facts.atSize, held.checkpoint.root != incoming.root {
            return .fork(reason: "two different signed roots for tree size \(incoming.size)", held: held)
        }
        if let seen = facts.seenAtSize.first(where: { $0.checkpoint.root != incoming.root }) {
            return .fork(reason: "two different signed roots for tree size \(incoming.size)", held: seen)
        }
        if let computed = facts.computedRoot, computed != incoming.root {
            return .fork(reason: "the signed root for tree size \(incoming.size) differs from the root of the \(incoming.size) entries HQ holds", held: nil)
        }
        guard oldSize <= incoming.size else {
            return .badRequest("old size \(oldSize) is larger than the checkpoint's size \(incoming.size)")
        }
        let current = facts.latest?.checkpoint.size ?? 0
        if incoming.size < current { return .stale(current: current) }
        if incoming.size == current, facts.latest != nil { return .alreadyKnown }
        guard oldSize == current else { return .conflict(current: current) }
        guard let latest = facts.latest?.checkpoint else {
            return proof.isEmpty ? .accept : .badRequest("the proof from size 0 must be empty")
        }
        do {
            try ConsistencyProof(oldSize: latest.size, newSize: incoming.size, hashes: proof)
                .verify(oldRoot: latest.root, newRoot: incoming.root, hasher: hasher)
        } catch {
            return .proofInvalid("the consistency proof from HQ's checkpoint of size \(latest.size) to \(incoming.size) does not verify: \(error.message)")
        }
        return .accept
    }
}
