import ArgumentParser
import Foundation
import HQNode
import HQStorage
import HQStorageDrivers
import Inspection
import LedgerCore
import LedgerStore
import ProvinceNode

/// The log an inspection draws from: a province ledger (`--ledger`), or HQ's mirror of a
/// province (`--data` or `--database`, with `--province`).
struct InspectSourceOptions: ParsableArguments {
    @Option(help: "A province ledger directory.")
    var ledger: String?

    @Option(help: "HQ's data directory (embedded SQLite), to draw from HQ's mirror of --province.")
    var data: String?

    @Option(help: "HQ's PostgreSQL database, postgres://USER@HOST:PORT/DB, to draw from HQ's mirror of --province.")
    var database: String?

    @Option(help: "The province's division code, with --data or --database.")
    var province: String?

    func validate() throws {
        guard [ledger, data, database].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --ledger DIR, --data DIR and --database URL")
        }
        if ledger == nil, province == nil { throw ValidationError("--data and --database need --province CODE") }
    }

    func with<T>(_ body: (any InspectedLog) async throws -> T) async throws -> T {
        if let ledger {
            let store = try ProvinceLedger.openStore(directory: URL(fileURLWithPath: ledger))
            return try await body(LedgerLog(store: store))
        }
        let location: HQData.Location = database.map { .database($0) } ?? .directory(URL(fileURLWithPath: data ?? "."))
        return try await HQInspectionSource.with(location, province: province ?? "") { source in try await body(source.log) }
    }
}

/// HQ's view of a province for an inspection: its feed (the notice, the province's
/// cosignatures), its mirror (the log drawn from, with HQ's receipts) and the central register.
struct HQInspectionSource {
    let storage: any HQStorage
    let enrolment: Enrolment
    let log: MirrorLog

    static func with<T>(_ location: HQData.Location, province: String, _ body: (HQInspectionSource) async throws -> T) async throws -> T {
        let storage = try await HQStorageDrivers.open(location)
        do {
            let code = try ProvinceCode(province).rawValue
            guard let enrolment = try await storage.registry.enrolment(province: code) else {
                throw HQStorageError(.notEnrolled, "province \(code) is not enrolled at HQ", hint: "check the code, or draw from the province's own ledger")
            }
            let mirror = try await storage.mirror(province: code)
            let log = MirrorLog(mirror: mirror, keys: try enrolment.keyHistory(suite: mirror.suite), province: code, register: storage.register)
            let result = try await body(HQInspectionSource(storage: storage, enrolment: enrolment, log: log))
            try await storage.close()
            return result
        } catch {
            try? await storage.close()
            throw error
        }
    }
}

/// Reads a small text input file (a checkpoint, a key) for a command-line option.
enum InputText {
    static func read(_ path: String, option: String, limit: Int = 1 << 20) throws -> String {
        // Read at most one byte past the limit: a larger file is refused without reading it all.
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw InspectionError(.usage, "cannot read \(option) \(path)", hint: "check the file name and its permissions")
        }
        guard data.count <= limit, let text = String(data: data, encoding: .utf8) else {
            throw InspectionError(.usage, "\(option) \(path) is not a UTF-8 text file of at most \(limit) bytes", hint: "give the file itself, not an archive of it")
        }
        return text
    }

    /// A key given as the string itself or as a file holding it.
    static func key(_ value: String?, option: String) throws -> String? {
        guard let value else { return nil }
        if value.contains("+") && !FileManager.default.fileExists(atPath: value) { return value }
        return try read(value, option: option).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
