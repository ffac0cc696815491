import Foundation
import LedgerCore
import Quality
import Reports

/// The problem list split by the unit that produced each record (`hq audit --by-source`): one
/// CSV per source unit in `by-source/`, named by its code (else "no-code") and name, each with
/// the same header and columns as findings.csv, so the list can be sent to whoever answers for
/// the data ("谁产生、谁提供、谁负责", 2018-25).
///
/// Memory and open files stay bounded however many units there are: rows wait in per-file
/// buffers up to `pendingLimit` bytes in all, then the largest are appended to their files,
/// each opened and closed for the write.
final class SourceSplitCSV {
    let directory: URL
    let csv: FindingsCSV
    private var pending: [String: [UInt8]] = [:]
    private var pendingBytes = 0
    private var created: Set<String> = []
    static let pendingLimit = 8 << 20

    init(directory: URL, csv: FindingsCSV) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw AuditError(.output, "cannot create \(directory.path): \(error.localizedDescription)", hint: "choose a writable --out directory")
        }
        self.directory = directory
        self.csv = csv
    }

    /// `440100-广州市市场监督管理局.csv`: the code, then the name with path separators and
    /// control characters replaced, at most 80 characters.
    static func fileName(code: String?, name: String?) -> String {
        func clean(_ text: String) -> String {
            String(text.unicodeScalars.map { scalar -> Character in
                scalar == "/" || scalar == "\\" || scalar.properties.generalCategory == .control ? "_" : Character(scalar)
            }.prefix(80))
        }
        let code = code.map(clean).flatMap { $0.isEmpty ? nil : $0 } ?? "no-code"
        let name = name.map(clean).flatMap { $0.isEmpty ? nil : $0 } ?? "no-source"
        return "\(code)-\(name).csv"
    }

    func write(_ finding: Finding) throws {
        let name = Self.fileName(code: finding.sourceCode, name: finding.sourceUnit)
        let row = Array(csv.row(finding).utf8)
        pending[name, default: []].append(contentsOf: row)
        pendingBytes += row.count
        while pendingBytes > Self.pendingLimit, let largest = pending.max(by: { $0.value.count < $1.value.count })?.key {
            try flush(largest)
        }
    }

    private func flush(_ name: String) throws {
        guard let bytes = pending.removeValue(forKey: name), !bytes.isEmpty else { return }
        pendingBytes -= bytes.count
        let url = directory.appendingPathComponent(name)
        if created.insert(name).inserted {
            guard FileManager.default.createFile(atPath: url.path, contents: Data(CSVText.byteOrderMark + Array(csv.header.utf8))) else {
                throw AuditError(.output, "cannot create \(url.path)", hint: "check that the output directory is writable and has space")
            }
        }
        do {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: bytes)
        } catch {
            throw AuditError(.output, "cannot write \(url.path): \(error.localizedDescription)", hint: "check the disk space of the output directory")
        }
    }

    /// Writes every pending row; returns the files written.
    func close() throws -> Int {
        for name in Array(pending.keys) { try flush(name) }
        return created.count
    }
}
