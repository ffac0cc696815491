import Quality
import Reports

/// `national.html`: the provinces ranked by overall score, each dimension side by side, with the
/// change against the previous month and a link to each province's report.
struct NationalReportHTML {
    let ranking: NationalAudit.Ranking
    let language: ReportLanguage

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }

    func render() -> String {
        let title = t("全国数据质量排名 \(ranking.month)", "National data-quality ranking, \(ranking.month)")
        var body = "<header><h1>\(HTMLText.escape(title))</h1>"
        body += "<p class=\"meta\">\(t("规则文件", "Rules")) \(HTMLText.escape(ranking.rulesVersion)) · SHA-256 <code>\(HTMLText.escape(ranking.rulesSHA256))</code> · \(t("生成时间", "Generated")) \(HTMLText.escape(ranking.createdAt))</p></header>\n"
        body += "<p class=\"note\" data-tie-break>\(t("排序：综合得分从高到低；综合得分相同按增量得分从高到低，再按行政区划代码；无得分的省份列最后。增量得分只计本月新归集的记录。", "Order: \(NationalAudit.tieBreak). The increment score counts only the records recorded this month."))</p>\n"
        body += "<section><div class=\"scroll\"><table>\n<thead><tr><th class=\"num\">\(t("排名", "Rank"))</th><th>\(t("省份", "Province"))</th><th class=\"num\">\(t("综合", "Overall"))</th><th class=\"num\">\(t("较上月", "vs last month"))</th><th class=\"num\">\(t("增量", "Increment"))</th><th class=\"num\">\(t("增量较上月", "Increment vs last month"))</th>"
        for dimension in QualityDimension.allCases {
            body += "<th class=\"num\">\(language == .chinese ? dimension.chineseName : dimension.rawValue)</th>"
        }
        body += "<th class=\"num\">\(t("问题数", "Findings"))</th></tr></thead><tbody>\n"
        for entry in ranking.provinces {
            let name = entry.provinceName ?? entry.province
            body += "<tr data-province=\"\(entry.province)\" data-rank=\"\(entry.rank)\" data-overall=\"\(HTMLText.score(entry.summary.overall))\">"
            body += "<td class=\"num\">\(entry.rank)</td><td><a href=\"\(entry.province)/report.html\">\(HTMLText.escape(name))</a> <span class=\"note\">\(entry.province)</span></td>"
            body += "<td class=\"num\"><b>\(HTMLText.score(entry.summary.overall))</b>\(HTMLText.bar(entry.summary.overall))</td>"
            body += "<td class=\"num \(entry.change.map { $0 > 0 ? "up" : $0 < 0 ? "down" : "note" } ?? "note")\">\(HTMLText.change(entry.change))</td>"
            body += "<td class=\"num\" data-increment=\"\(HTMLText.score(entry.increment))\">\(HTMLText.score(entry.increment))</td>"
            body += "<td class=\"num \(entry.incrementChange.map { $0 > 0 ? "up" : $0 < 0 ? "down" : "note" } ?? "note")\">\(HTMLText.change(entry.incrementChange))</td>"
            for dimension in QualityDimension.allCases {
                let score = entry.summary.score(dimension)
                body += "<td class=\"num\" data-dimension=\"\(dimension.rawValue)\" data-score=\"\(HTMLText.score(score))\">\(HTMLText.score(score))</td>"
            }
            body += "<td class=\"num\">\(entry.summary.findings)</td></tr>\n"
        }
        body += "</tbody></table></div></section>\n"
        return HTMLText.page(title: title, language: language, body: body)
    }
}
