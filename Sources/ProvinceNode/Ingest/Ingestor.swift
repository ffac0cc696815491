public import Foundation
import Gzip
public import LedgerCore
import LedgerStore
import LineInput

/// Streams NDJSON change records from files or standard input into a province ledger.
///
/// Parsing runs concurrently with the previous batch's database write (two batches in memory at
/// most), so memory is flat in the input size. Each batch commits with its own signed checkpoint.
/// Lines that are structurally unusable are reported with their line numbers and never stored.
public struct Ingestor: Sendable {
    public struct Source: Sendable {
        /// Shown in rejections: the file name, or `-` for standard input.
        public var name: String
        /// nil reads standard input.
        public var path: String?

        public init(name: String, path: String?) {
            self.name = name
            self.path = path
        }

        public static let standardInput = Source(name: "-", path: nil)
    }

    public struct Rejection: Sendable, Equatable {
        public var source: String
        public var line: Int
        public var code: String
        public var reason: String
    }

    public struct Summary: Sendable {
        public var appended = 0
        public var duplicates = 0
        public var rejected = 0
        public var checkpoint: VerifiedCheckpoint?
    }

    public let ledger: ProvinceLedger
    public var batchSize: Int

    public init(ledger: ProvinceLedger, batchSize: Int = 10_000) {
        self.ledger = ledger
        self.batchSize = batchSize
    }

    public func ingest(
        _ sources: [Source],
        now: @escaping @Sendable () -> Date = Date.init,
        onRejection: @escaping @Sendable (Rejection) -> Void,
        onBatch: @escaping @Sendable (Summary) -> Void = { _ in }
    ) async throws -> Summary {
        let parser = try BatchParser(sources: sources, province: ledger.province, suite: ledger.suite, batchSize: batchSize)
        var summary = Summary()
        var pending = try await parser.nextBatch()
        while let batch = pending {
            async let following = parser.nextBatch()
            for rejection in batch.rejections { onRejection(rejection) }
            summary.rejected += batch.rejections.count
            if !batch.records.isEmpty {
                let result = try await ledger.store.append(prepared: batch.records, signer: ledger.signer, now: now())
                summary.appended += result.appended
                summary.duplicates += result.duplicates
                summary.checkpoint = result.checkpoint
            }
            onBatch(summary)
            pending = try await following
        }
        if summary.checkpoint == nil { summary.checkpoint = try await ledger.store.latestCheckpoint() }
        return summary
    }
}

/// Reads and parses the next batch of records; owns the readers, so it is an actor.
actor BatchParser {
    struct Batch: Sendable {
        var records: [PreparedEntry] = []
        var rejections: [Ingestor.Rejection] = []
    }

    private var sources: [Ingestor.Source]
    private var current: (source: Ingestor.Source, reader: LineReader)?
    private let province: String
    private let suite: Suite
    private let batchSize: Int

    init(sources: [Ingestor.Source], province: String, suite: Suite, batchSize: Int) throws {
        // Fail before reading anything if a named file is missing.
        for source in sources {
            if let path = source.path, !FileManager.default.isReadableFile(atPath: path) {
                throw ProvinceNodeError(.input, "cannot read \(path)", hint: "check the file name and its permissions")
            }
        }
        self.sources = sources
        self.province = province
        self.suite = suite
        self.batchSize = max(1, batchSize)
    }

    func nextBatch() throws -> Batch? {
        var batch = Batch()
        var lines = 0
        while lines < batchSize {
            if current == nil {
                guard !sources.isEmpty else { break }
                let source = sources.removeFirst()
                let handle = source.path.map { FileHandle(forReadingAtPath: $0) } ?? FileHandle.standardInput
                guard let handle else {
                    throw ProvinceNodeError(.input, "cannot open \(source.name)", hint: "check the file name and its permissions")
                }
                current = (source, LineReader(handle: handle, maximumLength: ChangeRecord.maximumSize))
            }
            let next: LineReader.Line?
            do {
                next = try current!.reader.next()
            } catch let error as GzipError {
                throw ProvinceNodeError(.input, "\(current!.source.name) is damaged gzip: \(error.description)",
                                        hint: "check the file with `gzip -t`; nothing from the batch in progress was stored")
            }
            guard let line = next else {
                current = nil
                continue
            }
            lines += 1
            let name = current!.source.name
            switch line {
            case .tooLong(let number, let length):
                batch.rejections.append(.init(source: name, line: number, code: LedgerCoreError.Code.recordTooLarge.rawValue,
                                              reason: "record is \(length) bytes, over the \(ChangeRecord.maximumSize)-byte limit"))
            case .text(let number, let bytes):
                do {
                    // Hashes are computed here, beside the writer, not inside its transaction.
                    batch.records.append(PreparedEntry(try ChangeRecord(parsing: bytes, province: province), suite: suite))
                } catch {
                    batch.rejections.append(.init(source: name, line: number, code: error.code, reason: error.message))
                }
            }
        }
        return lines == 0 ? nil : batch
    }
}
