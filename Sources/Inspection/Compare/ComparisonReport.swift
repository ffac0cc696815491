public import Reports

/// `comparison.csv` and `report.html` of an archive comparison, in Chinese by default, with the
/// audit report's look (`HTMLText`). Figures carry `data-*` attributes equal to comparison.json's.
public struct ComparisonReport {
    public let document: ComparisonDocument
    public let language: ReportLanguage

    public init(document: ComparisonDocument, language: ReportLanguage) {
        self.document = document
        self.language = language
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    func e(_ text: String) -> String { HTMLText.escape(text) }

    func label(_ kind: ArchiveComparison.Kind) -> String {
        switch kind {
        case .match: t("一致", "match")
        case .differs: t("不一致", "differs")
        case .systemOnly: t("系统有、档案无", "in the system, not in the archive")
        case .archiveOnly: t("档案有、系统无", "in the archive, not in the system")
        case .revokedInSystem: t("系统已撤销", "revoked in the system")
        }
    }

    /// UTF-8 with a byte order mark, so Excel opens it.
    public func csv() -> [UInt8] {
        var text = CSVText.row([t("比对结果", "result"), t("结果代码", "kind"), t("统一社会信用代码", "USCC"), t("企业名称", "name"), t("信息类别", "category"),
                                t("记录编号", "record id"), t("字段", "field"), t("系统值", "system value"), t("档案所见值", "archive value"),
                                t("备注", "note"), t("日志序号", "log index"), t("档案行号", "archive line")])
        for row in document.rows {
            text += CSVText.row([label(row.kind), row.kind.rawValue, row.uscc, row.name, row.category, row.recordID, row.field, row.systemValue,
                                 row.archiveValue, row.note, row.index.map(String.init) ?? "", row.line.map(String.init) ?? ""])
        }
        return CSVText.byteOrderMark + Array(text.utf8)
    }

    public func html() -> String {
        let title = t("现场核查比对报告 \(document.inspectionID)", "On-site inspection comparison \(document.inspectionID)")
        var body = "<header><h1>\(e(title))</h1>\n<p class=\"meta\">\(t("比对日期", "Compared on")) \(e(document.comparedOn)) · \(e(document.origin))</p></header>\n"
        body += "<section id=\"totals\"><h2>\(t("比对结果", "Results"))</h2>\n<div class=\"scroll\"><table><tr><th>\(t("结果", "Result"))</th><th class=\"num\">\(t("条数", "Rows"))</th></tr>\n"
        for kind in ArchiveComparison.Kind.allCases {
            let count = document.rows.lazy.filter { $0.kind == kind }.count
            body += "<tr><td>\(e(label(kind)))</td><td class=\"num\" data-total-\(kind.rawValue)=\"\(count)\">\(count)</td></tr>\n"
        }
        body += "</table></div></section>\n"
        body += "<section id=\"entities\"><h2>\(t("抽取的企业", "Sampled entities"))</h2>\n<div class=\"scroll\"><table><tr><th class=\"num\">\(t("序", "Rank"))</th><th>\(t("企业", "Entity"))</th><th>\(t("风险类别", "Risk class"))</th><th class=\"num\">\(t("一致", "Match"))</th><th class=\"num\">\(t("问题", "Discrepancies"))</th><th>\(t("结论", "Result"))</th></tr>\n"
        for entity in document.entities {
            let problems = ArchiveComparison.Kind.allCases.filter(\.isDiscrepancy).reduce(0) { $0 + (entity.counts[$1.rawValue] ?? 0) }
            body += "<tr data-uscc=\"\(e(entity.uscc))\"><td class=\"num\">\(entity.rank)</td><td>\(e(entity.name))<br><code>\(e(entity.uscc))</code></td><td>\(e(entity.riskClass))</td>"
            body += "<td class=\"num\">\(entity.counts[ArchiveComparison.Kind.match.rawValue] ?? 0)</td><td class=\"num\" data-discrepancies=\"\(problems)\">\(problems)</td>"
            body += "<td class=\"\(entity.clean ? "up" : "down")\">\(entity.clean ? t("未发现问题", "no problem found") : t("发现问题", "problems found"))</td></tr>\n"
        }
        body += "</table></div></section>\n"
        body += "<section id=\"discrepancies\"><h2>\(t("问题明细", "Discrepancies"))</h2>\n"
        let discrepancies = document.rows.filter { $0.kind.isDiscrepancy }
        if discrepancies.isEmpty { body += "<p class=\"note\">\(t("系统与档案一致。", "The system agrees with the archive."))</p>\n" }
        for kind in ArchiveComparison.Kind.allCases where kind.isDiscrepancy {
            let rows = discrepancies.filter { $0.kind == kind }
            guard !rows.isEmpty else { continue }
            body += "<details open><summary>\(e(label(kind)))（\(rows.count)）</summary><div class=\"scroll\"><table><tr><th>\(t("企业", "Entity"))</th><th>\(t("记录", "Record"))</th><th>\(t("字段", "Field"))</th><th>\(t("系统值", "System"))</th><th>\(t("档案所见值", "Archive"))</th><th class=\"hide-narrow\">\(t("备注", "Note"))</th></tr>\n"
            for row in rows {
                body += "<tr><td>\(e(row.name))<br><code>\(e(row.uscc))</code></td><td>\(e(row.category)) \(e(row.recordID))</td><td>\(e(row.field))</td><td>\(e(row.systemValue))</td><td>\(e(row.archiveValue))</td><td class=\"hide-narrow\">\(e(row.note))</td></tr>\n"
            }
            body += "</table></div></details>\n"
        }
        body += "</section>\n"
        body += "<section id=\"provenance\"><h2>\(t("依据", "Provenance"))</h2><p class=\"meta\">\(t("检查点", "Checkpoint")) \(e(document.origin)) · \(t("规模", "size")) \(document.treeSize) · \(t("根", "root")) <code>\(e(document.root))</code><br>\(t("核查包 SHA-256", "Bundle SHA-256")) <code>\(e(document.bundleSHA256))</code></p></section>\n"
        return HTMLText.page(title: title, language: language, body: body)
    }
}
