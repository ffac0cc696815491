import Foundation
import HQStorage
import LedgerCore
import Quality
import Reports

extension AuditDocument {
    /// An on-site inspection of the province compared in the audit's month (DESIGN §9): its
    /// findings are the bureau's, listed in the report and the problem list. They are not in the
    /// month's dimension scores, which score records; the half-yearly and yearly evaluation weighs
    /// them (2023-25, line 45: "结合系统监测、专题调研、抽查督导等情况，出具半年和年度数据质量评估报告").
    public struct InspectionEntry: Codable, Sendable, Equatable {
        public struct Finding: Codable, Sendable, Equatable {
            public var rule: String
            public var dimension: String
            public var kind: String
            public var category: String
            public var id: String
            public var uscc: String
            public var field: String
            public var systemValue: String
            public var archiveValue: String
            public var note: String

            enum CodingKeys: String, CodingKey {
                case rule, dimension, kind, category, id, uscc, field, note
                case systemValue = "system_value"
                case archiveValue = "archive_value"
            }
        }

        public var inspectionID: String
        public var comparedOn: String
        public var treeSize: UInt64
        public var root: String
        public var bundleSHA256: String
        public var rulesVersion: String
        public var findings: [Finding]

        enum CodingKeys: String, CodingKey {
            case root, findings
            case inspectionID = "inspection_id"
            case comparedOn = "compared_on"
            case treeSize = "tree_size"
            case bundleSHA256 = "bundle_sha256"
            case rulesVersion = "rules_version"
        }

        init(_ stored: StoredInspection) throws {
            inspectionID = stored.inspectionID
            comparedOn = stored.comparedOn
            treeSize = stored.treeSize
            root = stored.root
            bundleSHA256 = stored.bundleSHA256
            rulesVersion = stored.rulesVersion
            do {
                findings = try JSONDecoder().decode([Finding].self, from: Data(stored.findings.utf8))
            } catch {
                throw AuditError(.corrupt, "the findings kept with inspection \(stored.inspectionID) are not readable: \(error)",
                                 hint: "run `creditsync hq verify`; the inspection result itself is kept as recorded")
            }
        }
    }

    /// The inspections of `province` compared within `period`, oldest first.
    static func inspections(_ store: any AuditStore, province: String, period: AuditPeriod) async throws -> [InspectionEntry] {
        try await store.inspections(province: province).filter { stored in
            guard let day = CivilDate(iso: stored.comparedOn) else { return false }
            return day >= period.firstDay && day <= period.lastDay
        }.map(InspectionEntry.init)
    }
}

extension FindingsCSV {
    /// A finding of an on-site inspection, in the problem list's columns: its id names the
    /// inspection, its source unit is the inspection.
    func write(inspection: AuditDocument.InspectionEntry, number: Int, _ finding: AuditDocument.InspectionEntry.Finding) throws {
        let definition = rules.rule(finding.rule)
        let chinese = language == .chinese
        let dimension = QualityDimension(rawValue: finding.dimension)
        try file.write(CSVText.row([
            "\(inspection.inspectionID)/\(number)", "", finding.uscc, "", finding.category,
            chinese ? rules.category(finding.category)?.label ?? "" : finding.category, finding.id, "",
            chinese ? "现场检查 \(inspection.inspectionID)" : "on-site inspection \(inspection.inspectionID)", "", "",
            finding.dimension, chinese ? dimension?.chineseName ?? finding.dimension : finding.dimension,
            finding.rule, (chinese ? definition?.name : definition?.nameEn) ?? finding.rule, finding.field, finding.systemValue,
            finding.archiveValue, finding.note, (chinese ? definition?.hint : definition?.hintEn) ?? "",
        ]))
    }
}

extension AuditReportHTML {
    /// The on-site inspections of the month: the bureau's findings, by rule.
    func inspections() -> String {
        guard let inspections = document.inspections, !inspections.isEmpty else { return "" }
        var html = "<section id=\"inspections\"><h2>\(t("现场检查发现的问题（省局）", "On-site inspection findings (the bureau's)"))</h2>\n"
        html += "<p class=\"note\">\(t("总局现场检查比对总局系统与地方系统、地方系统与地方档案、地方档案与实际情况及工作机制（2023年第25号通知第43行）。问题记为本省问题，不计入本月七个维度的记录得分，纳入半年和年度评估。", "HQ's on-site inspection compares the central and local systems, the system and the archive, the archive and reality, and the working mechanisms (2023 notice, line 43). The findings are the province's; they are not in this month's record scores and count in the half-yearly and yearly evaluation."))</p>\n"
        for inspection in inspections {
            html += "<h3 data-inspection=\"\(e(inspection.inspectionID))\">\(e(inspection.inspectionID)) · \(e(inspection.comparedOn)) · \(t("问题", "findings")) <span data-findings=\"\(inspection.findings.count)\">\(inspection.findings.count)</span></h3>\n"
            html += "<div class=\"scroll\"><table><tr><th>\(t("规则", "Rule"))</th><th class=\"num\">\(t("条数", "Findings"))</th></tr>\n"
            for (rule, count) in Dictionary(grouping: inspection.findings, by: { $0.rule }).mapValues(\.count).sorted(by: { $0.key < $1.key }) {
                let definition = rules.rule(rule)
                html += "<tr><td>\(e((language == .chinese ? definition?.name : definition?.nameEn) ?? rule))<br><code>\(e(rule))</code></td><td class=\"num\">\(count)</td></tr>\n"
            }
            html += "</table></div>\n"
        }
        return html + "</section>\n"
    }
}
