import Foundation
import HQNode
import HQStorage
import HQTestSupport
import Inspection
import LedgerCore
import NationalCrypto
import Quality
import Synthetic
import Testing
import TestSupport
@testable import creditsync

/// The inspection drawn at HQ, on both storage backends: the notice in HQ's feed, the
/// province's acknowledgement, HQ's receipt after it, and a bundle with the central register's
/// records that verifies against HQ's exported keys.
@Suite("Inspection from HQ's mirror")
struct MirrorSourceTests {
    @Test("plan at the province's acknowledgement of the notice, and a bundle with the central register's records", arguments: StorageBackend.allCases)
    func fromMirror(backend: StorageBackend) async throws {
        let scenario = try await HQScenario.make(backend)
        // The central register holds one sampled record differently, and not another.
        let plan = try await scenario.plan()
        #expect(plan.checkpoint.size == 301 && plan.point.size == 301 && plan.sample.count == 4)
        #expect(plan.evidence.noticeIndex == 0 && plan.sample.allSatisfy { $0.index < 300 })
        let registration = try #require(plan.sample.first { $0.category == "registration" })
        let penalty = try #require(plan.sample.first { $0.category == "admin_penalty" })
        let entry = try #require(try await scenario.mirror.entries(from: registration.index, to: registration.index + 1).first)
        let changed = String(decoding: entry, as: UTF8.self).replacingOccurrences(of: registration.name, with: registration.name + "（总局）")
        _ = try await scenario.fixture.storage.register.importChanges(province: try ProvinceCode("440000"), [
            try ChangeRecord(parsing: Array(changed.replacingOccurrences(of: "\"change_id\":\"", with: "\"change_id\":\"central-").utf8), province: "440000"),
        ], now: Date())

        let url = scenario.fixture.directory.appending("mirror.bundle")
        let bundle = try await scenario.bundle(plan, to: url)
        #expect(bundle.point == plan.point)
        #expect(bundle.registerSize == 1)
        #expect(bundle.records.first { $0.id == registration.id }?.central != nil)
        #expect(bundle.records.first { $0.id == penalty.id }?.central == nil)

        let comparison = try InspectionComparison(bundle: bundle, archive: try ArchiveCSV(bytes: Array("category,record_id,field,value_seen,note\n".utf8)))
        #expect(comparison.rows.contains { $0.kind == .centralDiffers && $0.recordID == registration.id && $0.field == "entity.name" })
        #expect(comparison.rows.contains { $0.kind == .centralMissing && $0.recordID == penalty.id })
        #expect(comparison.items.first { $0.sampled.id == registration.id }?.central == .inconsistent)
        try await scenario.fixture.storage.close()
    }

    @Test("HQ cannot plan before the province acknowledged the notice in a log HQ cosigned, or with another secret", arguments: StorageBackend.allCases)
    func refusals(backend: StorageBackend) async throws {
        func refused(_ body: () async throws -> InspectionPlan, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async {
            do {
                _ = try await body()
                Issue.record("planned", sourceLocation: sourceLocation)
            } catch let error as InspectionError {
                #expect(error.codeValue == .order && error.message.contains(message), "\(error.message)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("\(error)", sourceLocation: sourceLocation)
            }
        }
        let unacknowledged = try await HQScenario.make(backend, records: 60, acknowledge: false)
        await refused({ try await unacknowledged.plan() }, "440000 has not acknowledged the notice of inspection 2026-HQ-INSP-031 in its log yet (up to size 60")
        try await unacknowledged.fixture.storage.close()

        // HQ's only receipt is of a checkpoint before the acknowledgement: not drawn there.
        let early = try await HQScenario.make(backend, records: 60, receiptBeforeAcknowledgement: true)
        await refused({ try await early.plan() }, "has not acknowledged the notice of inspection 2026-HQ-INSP-031 in its log yet (up to size 60, which HQ cosigned)")
        await refused({ try await early.plan(secret: [UInt8](repeating: 1, count: 32)) }, "does not match the commitment")
        try await early.fixture.storage.close()
    }
}
