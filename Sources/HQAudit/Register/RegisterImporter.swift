public import Foundation
import Gzip
public import HQStorage
import LedgerCore
public import LineInput

/// Loads the central system's records into HQ's central register (`hq register import`):
/// NDJSON change records, plain or gzip, streamed in batches; each record goes to the register
/// of its own `province`. A re-import adds nothing (each `change_id` once per province).
/// Unusable lines are reported as `FILE:LINE: reason` and skipped; the rest are stored.
public struct RegisterImporter: Sendable {
    public typealias Source = LineSource
    public typealias Rejection = LineRejection

    public struct Summary: Sendable, Equatable {
        /// Records read (usable lines).
        public var read = 0
        /// Records new to the register.
        public var imported = 0
        /// Records imported before (same province and change_id).
        public var repeated = 0
        public var rejected = 0
        /// New records per province.
        public var byProvince: [String: Int] = [:]
    }

    public let register: any RegisterStore
    /// Province codes the register accepts (the 31 provinces and the XPCC).
    public let provinces: Set<String>
    public var batchSize: Int

    public init(register: any RegisterStore, provinces: Set<String>, batchSize: Int = 10_000) {
        self.register = register
        self.provinces = provinces
        self.batchSize = max(1, batchSize)
    }

    public func run(_ sources: [Source], now: Date = Date(), onRejection: (Rejection) -> Void) async throws -> Summary {
        for source in sources where !FileManager.default.isReadableFile(atPath: source.path) {
            throw AuditError(.input, "cannot read \(source.path)", hint: "check the file name and its permissions; nothing was imported")
        }
        var summary = Summary()
        for source in sources {
            guard let handle = FileHandle(forReadingAtPath: source.path) else {
                throw AuditError(.input, "cannot open \(source.path)", hint: "check the file's permissions")
            }
            defer { try? handle.close() }
            var reader = LineReader(handle: handle, maximumLength: ChangeRecord.maximumSize)
            var batch: [String: [ChangeRecord]] = [:]
            var lines = 0
            while true {
                let line: LineReader.Line?
                do {
                    line = try reader.next()
                } catch let error as GzipError {
                    throw AuditError(.input, "\(source.name) is damaged gzip after line \(lines): \(error.description)",
                                     hint: "check it with `gzip -t`; the batches before were imported, and a re-import after the fix adds only what is missing")
                }
                guard let line else { break }
                lines += 1
                switch line {
                case .tooLong(let number, let length):
                    reject(Rejection(source: source.name, line: number, code: LedgerCoreError.Code.recordTooLarge.rawValue,
                                     reason: "record is \(length) bytes, over the \(ChangeRecord.maximumSize)-byte limit"), into: &summary, onRejection)
                case .text(let number, let bytes):
                    do {
                        let record = try ChangeRecord(parsing: bytes, province: nil)
                        guard provinces.contains(record.province) else {
                            reject(Rejection(source: source.name, line: number, code: LedgerCoreError.Code.invalidField.rawValue,
                                             reason: "province \"\(record.province)\" is not one of the \(provinces.count) provincial regulators"),
                                   into: &summary, onRejection)
                            continue
                        }
                        summary.read += 1
                        batch[record.province, default: []].append(record)
                    } catch {
                        reject(Rejection(source: source.name, line: number, code: error.code, reason: error.message), into: &summary, onRejection)
                    }
                }
                if lines % batchSize == 0 { try await store(&batch, into: &summary, now: now) }
            }
            try await store(&batch, into: &summary, now: now)
        }
        return summary
    }

    func reject(_ rejection: Rejection, into summary: inout Summary, _ onRejection: (Rejection) -> Void) {
        summary.rejected += 1
        onRejection(rejection)
    }

    /// One transaction per province in the batch, in province order.
    func store(_ batch: inout [String: [ChangeRecord]], into summary: inout Summary, now: Date) async throws {
        for province in batch.keys.sorted() {
            let records = batch[province]!
            let added = try await register.importChanges(province: try ProvinceCode(province), records, now: now)
            summary.imported += added
            summary.repeated += records.count - added
            summary.byProvince[province, default: 0] += added
        }
        batch.removeAll(keepingCapacity: true)
    }
}
