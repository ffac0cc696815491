import Foundation
import Quality
import Reconcile
import Reports

/// The problem list (问题清单) as CSV: UTF-8 with a byte order mark so Excel opens it, one row
/// per finding, in the report's language.
struct FindingsCSV {
    let file: OutputFile
    let language: ReportLanguage
    let rules: QualityRules

    init(url: URL, language: ReportLanguage, rules: QualityRules) throws {
        file = try OutputFile(url)
        self.language = language
        self.rules = rules
        try file.write(CSVText.byteOrderMark)
        try file.write(CSVText.row(language == .chinese ? Self.chineseHeader : Self.englishHeader))
    }

    /// One row per finding, with what a province needs to dispatch it: the finding id, stock or
    /// increment, the entity, the record's business key and the unit that produced it.
    static let chineseHeader = [
        "问题编号", "存量/增量", "统一社会信用代码", "主体名称", "记录类别", "类别名称", "记录编号", "业务主键", "数据来源单位", "来源单位代码",
        "日志序号", "维度", "维度名称", "规则编号", "规则", "字段", "问题值", "应为/期限", "问题描述", "整改建议",
    ]
    static let englishHeader = [
        "finding_id", "segment", "uscc", "entity_name", "category", "category_name", "id", "business_key", "source_unit", "source_code",
        "log_index", "dimension", "dimension_name", "rule", "rule_name", "field", "value", "expected", "problem", "fix",
    ]

    func write(_ finding: Finding) throws {
        try file.write(row(finding))
    }

    /// The finding's row, as `write` puts it (the source split reuses it).
    func row(_ finding: Finding) -> String {
        let definition = rules.rule(finding.rule)
        let chinese = language == .chinese
        let segment = finding.segment.map { chinese ? ($0 == .stock ? "存量" : "增量") : $0.rawValue } ?? ""
        return CSVText.row([
            finding.findingID ?? "", segment, finding.uscc ?? "", finding.entityName ?? "",
            finding.category, chinese ? rules.category(finding.category)?.label ?? "" : finding.category, finding.id,
            finding.businessKey ?? "", finding.sourceUnit ?? "", finding.sourceCode ?? "",
            finding.index.map(String.init) ?? "", finding.dimension.rawValue, chinese ? finding.dimension.chineseName : finding.dimension.rawValue,
            finding.rule, (chinese ? definition?.name : definition?.nameEn) ?? finding.rule, finding.field ?? "", finding.value ?? "",
            finding.expected ?? "", chinese ? finding.message : finding.messageEn, chinese ? finding.hint : finding.hintEn,
        ])
    }

    /// The header row in the report's language.
    var header: String { CSVText.row(language == .chinese ? Self.chineseHeader : Self.englishHeader) }

    func close() throws { try file.close() }
}

/// The gap lists as CSV, like the problem list.
struct GapsCSV {
    let file: OutputFile
    let language: ReportLanguage

    init(url: URL, language: ReportLanguage) throws {
        file = try OutputFile(url)
        self.language = language
        try file.write(CSVText.byteOrderMark)
        try file.write(CSVText.row(language == .chinese
            ? ["差异类型", "差异说明", "记录类别", "记录编号", "地方日志序号", "总局登记序号", "不一致字段"]
            : ["kind", "kind_name", "category", "id", "local_index", "central_index", "fields"]))
    }

    func write(_ gap: Gap) throws {
        try file.write(CSVText.row([
            gap.kind.rawValue, language.pick(gap.kind.chineseName, gap.kind.englishName), gap.category, gap.id,
            gap.localIndex.map(String.init) ?? "", gap.centralIndex.map(String.init) ?? "", gap.fields.joined(separator: " "),
        ]))
    }

    func close() throws { try file.close() }
}

extension Gap.Kind {
    var chineseName: String {
        switch self {
        case .missingCentral: "总局缺失（地方有、总局无）"
        case .missingLocal: "地方缺失（总局有、地方无）"
        case .conflict: "内容不一致"
        case .revokedLocalActiveCentral: "地方已撤销、总局仍有效"
        case .revokedCentralActiveLocal: "总局已撤销、地方仍有效"
        }
    }

    var englishName: String {
        switch self {
        case .missingCentral: "missing centrally (local only)"
        case .missingLocal: "missing locally (central only)"
        case .conflict: "content differs"
        case .revokedLocalActiveCentral: "revoked locally, active centrally"
        case .revokedCentralActiveLocal: "revoked centrally, active locally"
        }
    }
}
