import Foundation
public import LedgerCore
public import Mirroring

extension StoredCheckpoint {
    /// As the checkpoint arbiter takes it.
    public var held: CheckpointArbiter.Held {
        get throws { CheckpointArbiter.Held(checkpoint: try checkpoint, note: note) }
    }
}

/// A receipt HQ issued: its cosignature of one checkpoint.
public struct StoredReceipt: Sendable, Equatable {
    public var size: UInt64
    public var cosigner: String
    public var keyID: UInt32
    /// Unix seconds, from the cosignature.
    public var time: UInt64
    public var signature: NoteSignature

    public init(size: UInt64, cosigner: String, keyID: UInt32, time: UInt64, signature: NoteSignature) {
        self.size = size
        self.cosigner = cosigner
        self.keyID = keyID
        self.time = time
        self.signature = signature
    }
}

/// Where an upload starts (`MirrorWriter.start`).
public struct UploadStart: Sendable {
    public var nextEntry: UInt64
    public var frontier: MerkleFrontier
    /// The stored checkpoint the upload targets, if HQ holds one of that size.
    public var target: StoredCheckpoint?
    public var pendingSize: UInt64

    public init(nextEntry: UInt64, frontier: MerkleFrontier, target: StoredCheckpoint?, pendingSize: UInt64) {
        self.nextEntry = nextEntry
        self.frontier = frontier
        self.target = target
        self.pendingSize = pendingSize
    }
}

/// What one append stored, and what it found.
public struct AppendOutcome: Sendable, Equatable {
    public var nextEntry: UInt64
    /// Entries that repeat a change_id of an earlier entry.
    public var duplicates: [DuplicateChange]
    /// Checkpoints HQ saw earlier whose root the stored entries contradict: proof of a fork.
    public var contradicted: [StoredCheckpoint]

    public init(nextEntry: UInt64, duplicates: [DuplicateChange], contradicted: [StoredCheckpoint]) {
        self.nextEntry = nextEntry
        self.duplicates = duplicates
        self.contradicted = contradicted
    }
}

/// An entry whose change_id an earlier entry of the same log already has.
public struct DuplicateChange: Sendable, Equatable {
    public var index: UInt64
    public var changeID: String
    public var firstIndex: UInt64

    public init(index: UInt64, changeID: String, firstIndex: UInt64) {
        self.index = index
        self.changeID = changeID
        self.firstIndex = firstIndex
    }
}
