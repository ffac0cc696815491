import Foundation
import HQAudit
import HQNode
import HQStorage
@testable import HQStoragePostgres
import HQTestSupport
import LedgerCore
import LineInput
import LocalPostgres
import Testing
import TestSupport

@Suite("PostgreSQL state pages")
struct PostgresStatePlanTests {
    @Test("a state page walks the state index even before the partition has statistics")
    func planWithoutStatistics() async throws {
        let fixture = try await StorageFixture(.postgres, records: [])
        let storage = try #require(fixture.storage as? PostgresHQStorage)
        guard case .database(let url) = fixture.location else { Issue.record("not a database"); return }
        let database = try #require(url.split(separator: "/").last?.split(separator: "?").first.map(String.init))
        let file = fixture.directory.appending("central.ndjson")
        try (0..<3_000).map { TestRecords.json($0) + "\n" }.joined().write(to: file, atomically: true, encoding: .utf8)
        _ = try await RegisterImporter(register: storage.register, provinces: ["440000"]).run([.init(name: "central", path: file.path)]) { _ in }

        // As right after a large import, before autovacuum analyzes the partition: the
        // planner then guesses a few hundred rows, and sorting them looks cheaper than the
        // index (it sorted the whole remainder of the province for every page).
        _ = try TestPostgres.shared.query("""
            ALTER TABLE register_change_440000 SET (autovacuum_enabled = off);
            DELETE FROM pg_statistic WHERE starelid = 'register_change_440000'::regclass;
            UPDATE pg_class SET reltuples = -1 WHERE relname = 'register_change_440000';
            """, database: database)
        for after in [nil, StateKey(category: "admin_penalty", id: "P-1500")] {
            let query = PostgresStatePage.query(.register, province: "440000", bound: 3_000, after: after, rows: 6_266, keys: 5_000)
            let plan = try await PostgresStatePage.plan(query, client: storage.client, logger: storage.logger)
            #expect(plan.contains("Index Scan using register_change_440000_province_category_id_seq_idx"), "\(plan)")
            #expect(!plan.contains("Sort"), "\(plan)")
        }
        let page = try await storage.register.state(province: "440000", size: 3_000, after: nil, limit: 100)
        #expect(page.count == 100)
    }
}
