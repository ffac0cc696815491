/// The canonical bytes of verified entries that all uploads of this HQ process may hold at once,
/// waiting for or inside a mirror commit: back-pressure across uploads. One upload alone commits
/// in full-size batches; when many run at once, an upload that finds the budget spent commits
/// what it holds and waits, so it stops reading its body and TCP slows its province down, and
/// HQ's memory stays flat in the number of uploads.
///
/// No deadlock: an upload waits only after committing everything it held, so whatever is held
/// belongs to uploads that are running and will commit it; a batch larger than the whole budget
/// is let through when nothing else is held.
actor CommitBudget {
    let capacity: Int
    private var used = 0
    private var waiters: [(bytes: Int, continuation: CheckedContinuation<Void, Never>)] = []

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// Takes `bytes` if they fit now (or nothing is held); false otherwise.
    func tryAcquire(_ bytes: Int) -> Bool {
        guard waiters.isEmpty, fits(bytes) else { return false }
        used += bytes
        return true
    }

    /// Takes `bytes`, waiting in turn until they fit.
    func acquire(_ bytes: Int) async {
        if tryAcquire(bytes) { return }
        await withCheckedContinuation { waiters.append((bytes, $0)) }
    }

    func release(_ bytes: Int) {
        used = max(0, used - bytes)
        while let first = waiters.first, fits(first.bytes) {
            waiters.removeFirst()
            used += first.bytes
            first.continuation.resume()
        }
    }

    /// Bytes held now (tests, metrics).
    var held: Int { used }

    private func fits(_ bytes: Int) -> Bool { used == 0 || used + bytes <= capacity }
}
