public import Reports

/// `comparison.csv` and `report.html` of an inspection, in Chinese by default, with the audit
/// report's look (`HTMLText`). Figures carry `data-*` attributes equal to comparison.json's.
public struct ComparisonReport {
    public let document: ComparisonDocument
    public let language: ReportLanguage

    public init(document: ComparisonDocument, language: ReportLanguage) {
        self.document = document
        self.language = language
    }

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    func e(_ text: String) -> String { HTMLText.escape(text) }

    func label(_ kind: InspectionComparison.Kind) -> String {
        switch kind {
        case .match: t("一致", "match")
        case .differs: t("系统与档案不一致", "system differs from archive")
        case .systemOnly: t("系统有、档案无", "in the system, not in the archive")
        case .archiveOnly: t("档案有、系统无", "in the archive, not in the system")
        case .centralDiffers: t("总局与地方系统不一致", "central system differs")
        case .centralMissing: t("总局系统无此记录", "not in the central system")
        case .realityDiffers: t("档案与实际不一致", "archive differs from reality")
        case .realityUnverified: t("无法核实", "could not be verified")
        }
    }

    func verdict(_ text: String) -> String {
        switch InspectionComparison.Verdict(rawValue: text) {
        case .consistent: t("一致", "consistent")
        case .inconsistent: t("不一致", "inconsistent")
        case .unverifiable: t("无法核实", "unverifiable")
        case .notCompared, nil: t("未比对", "not compared")
        }
    }

    func answer(_ text: String) -> String {
        switch Checklist.Answer(rawValue: text) {
        case .yes: t("是", "yes")
        case .no: t("否", "no")
        case .notApplicable: t("不适用", "n/a")
        case .unanswered, nil: t("未作答", "unanswered")
        }
    }

    /// UTF-8 with a byte order mark, so Excel opens it.
    public func csv() -> [UInt8] {
        var text = CSVText.row([t("比对结果", "result"), t("结果代码", "kind"), t("统一社会信用代码", "USCC"), t("企业名称", "name"), t("信息类别", "category"),
                                t("记录编号", "record id"), t("字段", "field"), t("地方系统值", "system value"), t("档案所见值或总局值", "archive or central value"),
                                t("备注", "note"), t("日志序号", "log index"), t("文件行号", "file line")])
        for row in document.rows {
            text += CSVText.row([label(row.kind), row.kind.rawValue, row.uscc, row.name, row.category, row.recordID, row.field, row.systemValue,
                                 row.archiveValue, row.note, row.index.map(String.init) ?? "", row.line.map(String.init) ?? ""])
        }
        return CSVText.byteOrderMark + Array(text.utf8)
    }

    public func html() -> String {
        let title = t("现场检查比对报告 \(document.inspectionID)", "On-site inspection report \(document.inspectionID)")
        var body = "<header><h1>\(e(title))</h1>\n<p class=\"meta\">\(t("比对日期", "Compared on")) \(e(document.comparedOn)) · \(e(document.origin))</p>"
        body += "<p class=\"note\">\(t("检查对象为省级市场监管部门的数据（2023年第25号通知第43行）：总局系统与地方系统、地方系统与地方档案、地方档案与实际情况的一致性，以及工作机制建立、数据应用情况。问题记为被检查省份的问题，不记入任何企业名下。", "The object is the provincial bureau's data (2023 notice, line 43): central vs local system, system vs archive, archive vs reality, plus working mechanisms and data use. Findings are the province's, never an enterprise's."))</p></header>\n"
        body += "<section id=\"totals\"><h2>\(t("比对结果", "Results"))</h2>\n<div class=\"scroll\"><table><tr><th>\(t("结果", "Result"))</th><th class=\"num\">\(t("条数", "Rows"))</th></tr>\n"
        for kind in InspectionComparison.Kind.allCases {
            let count = document.count(kind)
            body += "<tr><td>\(e(label(kind)))</td><td class=\"num\" data-total-\(kind.rawValue)=\"\(count)\">\(count)</td></tr>\n"
        }
        body += "</table></div></section>\n"
        body += "<section id=\"items\"><h2>\(t("抽取的记录", "Sampled records"))</h2>\n<div class=\"scroll\"><table><tr><th>\(t("分层", "Stratum"))</th><th class=\"num\">\(t("序", "Rank"))</th><th>\(t("记录", "Record"))</th><th>\(t("企业", "Entity"))</th><th>\(t("总局—地方", "Central vs local"))</th><th>\(t("系统—档案", "System vs archive"))</th><th>\(t("档案—实际", "Archive vs reality"))</th></tr>\n"
        for item in document.items {
            body += "<tr data-record=\"\(e(item.category))/\(e(item.id))\"><td>\(e(item.stratum))</td><td class=\"num\">\(item.rank)</td><td>\(e(item.category)) \(e(item.id))</td>"
            body += "<td>\(e(item.name))<br><code>\(e(item.uscc))</code></td>"
            for (value, name) in [(item.central, "central"), (item.archive, "archive"), (item.reality, "reality")] {
                let style = value == InspectionComparison.Verdict.inconsistent.rawValue ? "down" : value == InspectionComparison.Verdict.consistent.rawValue ? "up" : ""
                body += "<td class=\"\(style)\" data-\(name)=\"\(e(value))\">\(e(verdict(value)))</td>"
            }
            body += "</tr>\n"
        }
        body += "</table></div></section>\n"
        body += "<section id=\"discrepancies\"><h2>\(t("问题明细", "Discrepancies"))</h2>\n"
        let discrepancies = document.rows.filter { $0.kind.isDiscrepancy }
        if discrepancies.isEmpty { body += "<p class=\"note\">\(t("三方比对一致。", "All three comparisons agree."))</p>\n" }
        for kind in InspectionComparison.Kind.allCases where kind.isDiscrepancy {
            let rows = discrepancies.filter { $0.kind == kind }
            guard !rows.isEmpty else { continue }
            body += "<details open><summary>\(e(label(kind)))（\(rows.count)）</summary><div class=\"scroll\"><table><tr><th>\(t("企业", "Entity"))</th><th>\(t("记录", "Record"))</th><th>\(t("字段", "Field"))</th><th>\(t("地方系统值", "System"))</th><th>\(t("档案或总局值", "Archive or central"))</th><th class=\"hide-narrow\">\(t("备注", "Note"))</th></tr>\n"
            for row in rows {
                body += "<tr><td>\(e(row.name))<br><code>\(e(row.uscc))</code></td><td>\(e(row.category)) \(e(row.recordID))</td><td>\(e(row.field))</td><td>\(e(row.systemValue))</td><td>\(e(row.archiveValue))</td><td class=\"hide-narrow\">\(e(row.note))</td></tr>\n"
            }
            body += "</table></div></details>\n"
        }
        body += "</section>\n"
        if !document.checklist.isEmpty {
            body += "<section id=\"checklist\"><h2>\(t("工作机制与数据应用", "Working mechanisms and data use"))</h2>\n<div class=\"scroll\"><table><tr><th>\(t("检查项", "Item"))</th><th>\(t("结论", "Answer"))</th><th>\(t("备注", "Note"))</th></tr>\n"
            for item in document.checklist {
                let style = item.answer == Checklist.Answer.no.rawValue ? "down" : item.answer == Checklist.Answer.yes.rawValue ? "up" : ""
                body += "<tr data-item=\"\(e(item.id))\"><td>\(e(item.zh))</td><td class=\"\(style)\" data-answer=\"\(e(item.answer))\">\(e(answer(item.answer)))</td><td>\(e(item.note))</td></tr>\n"
            }
            body += "</table></div></section>\n"
        }
        body += "<section id=\"provenance\"><h2>\(t("依据", "Provenance"))</h2><p class=\"meta\">\(t("检查点", "Checkpoint")) \(e(document.origin)) · \(t("规模", "size")) \(document.treeSize) · \(t("根", "root")) <code>\(e(document.root))</code><br>\(t("核查包 SHA-256", "Bundle SHA-256")) <code>\(e(document.bundleSHA256))</code></p></section>\n"
        return HTMLText.page(title: title, language: language, body: body)
    }
}
