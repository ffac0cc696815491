import LedgerCore

/// The local diff of DESIGN §8 as a pure merge step over two streams sorted by key: given the
/// current head of each, which gap (if any) the smaller key makes and which streams advance.
/// A caller drives it with whatever reads its storage; memory stays flat, and no record is
/// looked up on its own.
public enum GapClassifier {
    public enum Advance: Sendable, Equatable {
        case local
        case central
        case both
    }

    /// Compares the heads; nil when both streams are exhausted.
    public static func step(local: StateRow?, central: StateRow?) -> (gap: Gap?, advance: Advance)? {
        switch (local, central) {
        case (nil, nil):
            return nil
        case (let local?, nil):
            return (missingCentral(local), .local)
        case (nil, let central?):
            return (missingLocal(central), .central)
        case (let local?, let central?):
            let order = StateRow.keyOrder(local, central)
            if order < 0 { return (missingCentral(local), .local) }
            if order > 0 { return (missingLocal(central), .central) }
            return (compare(local, central), .both)
        }
    }

    /// A key only the province has: a gap unless it is revoked (nothing to publish centrally).
    static func missingCentral(_ local: StateRow) -> Gap? {
        local.revoked ? nil : Gap(kind: .missingCentral, category: local.category, id: local.id, localIndex: local.index, centralIndex: nil)
    }

    static func missingLocal(_ central: StateRow) -> Gap? {
        central.revoked ? nil : Gap(kind: .missingLocal, category: central.category, id: central.id, localIndex: nil, centralIndex: central.index)
    }

    /// A local record and a central one the ids do not pair but the business key does (one
    /// decision stored under two ids): a conflict keyed by the local id when their contents
    /// differ other than in the id, else nil (a match; the caller notes the differing ids).
    public static func compareByBusinessKey(local: StateRow, central: StateRow) -> Gap? {
        guard !local.revoked, !central.revoked else { return nil }
        let fields = ContentDiff.paths(local, central).filter { $0 != "id" }
        guard !fields.isEmpty else { return nil }
        return Gap(kind: .conflict, category: local.category, id: local.id, localIndex: local.index, centralIndex: central.index, fields: fields)
    }

    /// Both have the key.
    static func compare(_ local: StateRow, _ central: StateRow) -> Gap? {
        switch (local.revoked, central.revoked) {
        case (true, true):
            return nil
        case (true, false):
            return Gap(kind: .revokedLocalActiveCentral, category: local.category, id: local.id, localIndex: local.index, centralIndex: central.index)
        case (false, true):
            return Gap(kind: .revokedCentralActiveLocal, category: local.category, id: local.id, localIndex: local.index, centralIndex: central.index)
        case (false, false):
            guard !local.sameContent(as: central) else { return nil }
            return Gap(kind: .conflict, category: local.category, id: local.id, localIndex: local.index, centralIndex: central.index,
                       fields: ContentDiff.paths(local, central))
        }
    }
}
