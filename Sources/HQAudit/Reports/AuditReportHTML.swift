import Foundation
import Quality
import Reconcile
import Reports

/// `report.html`: one self-contained page per province audit, in Chinese by default. Figures
/// carry `data-*` attributes equal to audit.json's, so a test (and any script) can check them.
/// The problem list is grouped by rule with a sample of each; the full list is findings.csv,
/// so a province with a million findings still opens on a phone.
struct AuditReportHTML {
    let document: AuditDocument
    let tally: AuditTally
    let rules: QualityRules
    let language: ReportLanguage

    func t(_ zh: String, _ en: String) -> String { language.pick(zh, en) }
    func e(_ text: String) -> String { HTMLText.escape(text) }

    func render() -> String {
        let name = document.provinceName.map { language == .chinese ? $0 : "\($0) (\(document.province))" } ?? document.province
        let title = t("\(name) \(document.month) 数据质量审计报告", "Data-quality audit of \(name), \(document.month)")
        var body = "<header><h1>\(e(title))</h1>\n"
        body += "<p class=\"meta\">\(t("审计期间", "Period")) \(document.periodStart) – \(document.periodEnd) · \(t("生成时间", "Generated")) \(e(document.createdAt))</p></header>\n"
        body += segments()
        body += overall()
        body += dimensions()
        body += method()
        body += gaps()
        body += problems()
        body += inspections()
        body += provenance()
        return HTMLText.page(title: title, language: language, body: body)
    }

    func overall() -> String {
        let overall = document.overall
        var html = "<section id=\"overall\"><h2>\(t("综合得分", "Overall score"))</h2>\n<div class=\"overall\">"
        html += "<span class=\"big\" data-overall=\"\(HTMLText.score(overall.score))\">\(HTMLText.score(overall.score))</span>"
        html += "<span>\(t("问题记录", "records failing")) <b data-overall-failing=\"\(overall.failing)\">\(overall.failing)</b> / \(t("检查记录", "checked")) <b data-overall-checked=\"\(overall.checked)\">\(overall.checked)</b></span>"
        if let trend = document.trend {
            html += "<span class=\"\(tone(trend.overall.change))\">\(t("较", "vs ")) \(trend.previousMonth)\(t("：", ": "))\(HTMLText.change(trend.overall.change))</span>"
        } else {
            html += "<span class=\"note\">\(t("无上月审计，暂无趋势", "no audit of the previous month: no trend yet"))</span>"
        }
        html += "</div>\n"
        html += "<p class=\"note\">\(t("本地记录", "Local records")) \(document.records.local)（\(t("其中已撤销", "revoked")) \(document.records.revoked)）· \(t("本月新归集", "recorded this month")) \(document.records.recordedInPeriod) · \(t("总局登记", "central register")) \(document.records.central) · \(t("问题", "findings")) \(document.records.findings) · \(t("差异", "gaps")) \(document.records.gaps)</p></section>\n"
        return html
    }

    /// The headline (2023-25, line 33: stop new defects): the increment's score and its change
    /// from the previous month's increment, then stock and increment side by side.
    func segments() -> String {
        var html = "<section id=\"segments\"><h2>\(t("增量与存量", "Increment and stock"))</h2>\n"
        let increment = document.segments[Finding.Segment.increment.rawValue]
        html += "<div class=\"overall\"><span>\(t("本月增量得分", "This month's increment score"))</span>"
        html += "<span class=\"big\" data-increment=\"\(HTMLText.score(increment?.overall.score))\">\(HTMLText.score(increment?.overall.score))</span>"
        if let trend = document.trend {
            html += "<span class=\"\(tone(trend.increment.change))\" data-increment-change=\"\(HTMLText.change(trend.increment.change))\">\(t("较", "vs ")) \(trend.previousMonth) \(t("增量", "increment"))\(t("：", ": "))\(HTMLText.change(trend.increment.change))</span>"
        }
        html += "</div>\n<p class=\"note\">\(t("增量：本月归集的记录；存量：此前归集的记录。存量问题能修正的予以修正，增量反映工作机制是否防止了新问题。超出近三年范围的记录 \(document.records.outOfScope) 条，计数但不检查。", "Increment: records recorded this month; stock: those recorded before. Stock defects are fixed where they can be; the increment shows whether working mechanisms stop new ones. \(document.records.outOfScope) records older than the three-year scope are counted, not checked."))</p>\n"
        html += "<div class=\"scroll\"><table><thead><tr><th></th><th class=\"num\">\(t("得分", "Score"))</th><th class=\"num\">\(t("问题/检查", "Failing/checked"))</th><th class=\"num\">\(t("问题数", "Findings"))</th>"
        for dimension in QualityDimension.allCases { html += "<th class=\"num hide-narrow\">\(language == .chinese ? dimension.chineseName : dimension.rawValue)</th>" }
        html += "</tr></thead><tbody>\n"
        for segment in [Finding.Segment.increment, .stock] {
            guard let entry = document.segments[segment.rawValue] else { continue }
            html += "<tr data-segment=\"\(segment.rawValue)\" data-score=\"\(HTMLText.score(entry.overall.score))\" data-failing=\"\(entry.overall.failing)\" data-checked=\"\(entry.overall.checked)\" data-findings=\"\(entry.findings)\">"
            html += "<td>\(segment == .increment ? t("增量", "Increment") : t("存量", "Stock"))</td><td class=\"num\">\(HTMLText.score(entry.overall.score))</td>"
            html += "<td class=\"num\">\(entry.overall.failing) / \(entry.overall.checked)</td><td class=\"num\">\(entry.findings)</td>"
            for dimension in QualityDimension.allCases { html += "<td class=\"num hide-narrow\">\(HTMLText.score(entry.scores[dimension.rawValue]?.score))</td>" }
            html += "</tr>\n"
        }
        return html + "</tbody></table></div></section>\n"
    }

    func tone(_ change: Double?) -> String {
        guard let change else { return "note" }
        return change > 0 ? "up" : change < 0 ? "down" : "note"
    }

    func dimensions() -> String {
        var html = "<section id=\"dimensions\"><h2>\(t("七个维度", "The seven dimensions"))</h2><div class=\"scroll\"><table>\n"
        html += "<thead><tr><th>\(t("维度", "Dimension"))</th><th class=\"num\">\(t("得分", "Score"))</th><th>\(t("", ""))</th><th class=\"num\">\(t("问题/检查", "Failing/checked"))</th><th class=\"num hide-narrow\">\(t("权重", "Weight"))</th><th class=\"num\">\(t("较上月", "vs last month"))</th></tr></thead><tbody>\n"
        for dimension in QualityDimension.allCases {
            guard let entry = document.scores[dimension.rawValue] else { continue }
            let change = document.trend?.scores[dimension.rawValue]?.change
            html += "<tr data-dimension=\"\(dimension.rawValue)\" data-score=\"\(HTMLText.score(entry.score))\" data-failing=\"\(entry.failing)\" data-checked=\"\(entry.checked)\">"
            html += "<td>\(language == .chinese ? "\(dimension.chineseName) <span class=\"note\">\(dimension.rawValue)</span>" : dimension.rawValue)</td>"
            html += "<td class=\"num\">\(HTMLText.score(entry.score))</td><td>\(HTMLText.bar(entry.score))</td>"
            html += "<td class=\"num\">\(entry.failing) / \(entry.checked)</td><td class=\"num hide-narrow\">\(formatWeight(entry.weight))</td>"
            html += "<td class=\"num \(tone(change))\">\(HTMLText.change(change))</td></tr>\n"
        }
        html += "</tbody></table></div></section>\n"
        return html
    }

    /// How the scores were computed, with every category's numerator and denominator, so a
    /// reader can redo the arithmetic (Protocol/audit.md §2).
    func method() -> String {
        var html = "<section id=\"method\"><h2>\(t("计分方法", "How the scores are computed"))</h2>\n"
        html += "<p>\(t("类别得分 = 100 − 100 × (Σ 规则权重 × 问题记录数 + 缺失记录数 × 该维度规则权重之和) ÷ (检查记录数 + 缺失记录数)，在 0 到 100 之间；维度得分 = 各类别得分按类别权重加权平均（不按数量）；综合得分 = 各维度得分按维度权重加权平均。缺失记录（总局有、地方无）在每个维度都计为不合格，少报不会提高得分；无可检查记录的维度计 100 分并保留权重。", "Category score = 100 − 100 × (Σ rule weight × failing records + missing records × the dimension's total rule weight) ÷ (checked + missing records), between 0 and 100; dimension score = the category scores averaged by category weight (not by volume); overall = the dimension scores averaged by dimension weight. A missing record (held by HQ, not by the province) fails every dimension, so sending less never raises a score; a dimension with nothing to check scores 100 and keeps its weight."))</p>\n"
        for dimension in QualityDimension.allCases {
            guard let entry = document.scores[dimension.rawValue], !entry.categories.isEmpty else { continue }
            html += "<details><summary>\(language == .chinese ? dimension.chineseName : dimension.rawValue) \(HTMLText.score(entry.score))</summary>"
            html += "<div class=\"scroll\"><table><thead><tr><th>\(t("类别", "Category"))</th><th class=\"num\">\(t("类别权重", "Weight"))</th><th class=\"num\">\(t("问题", "Failing"))</th><th class=\"num\">\(t("缺失", "Missing"))</th><th class=\"num\">\(t("检查", "Checked"))</th><th class=\"num\">\(t("得分", "Score"))</th></tr></thead><tbody>\n"
            for category in entry.categories {
                html += "<tr data-method-dimension=\"\(dimension.rawValue)\" data-category=\"\(e(category.category))\" data-score=\"\(HTMLText.score(category.score))\" data-failing=\"\(category.failing)\" data-missing=\"\(category.missing)\" data-checked=\"\(category.checked)\" data-weight=\"\(formatWeight(category.weight))\">"
                html += "<td>\(e(categoryName(category.category)))</td><td class=\"num\">\(formatWeight(category.weight))</td><td class=\"num\">\(category.failing)</td><td class=\"num\">\(category.missing)</td><td class=\"num\">\(category.checked)</td><td class=\"num\">\(HTMLText.score(category.score))</td></tr>\n"
            }
            html += "</tbody></table></div></details>\n"
        }
        return html + "</section>\n"
    }

    func formatWeight(_ weight: Double) -> String {
        weight == weight.rounded() ? String(Int(weight)) : String(format: "%.2f", weight)
    }

    func gaps() -> String {
        var html = "<section id=\"gaps\"><h2>\(t("总局与地方差异", "Central register vs the province"))</h2>\n"
        html += "<p class=\"note\">\(t("比对总局登记 \(document.register.size) 条变更与地方镜像检查点（大小 \(document.mirror.size)）的当前状态。完整清单见 gaps.csv 与 audit.json。", "The central register's \(document.register.size) changes against the state at the mirror checkpoint of size \(document.mirror.size). Full lists in gaps.csv and audit.json."))</p>\n"
        for kind in Gap.Kind.allCases {
            let count = document.gapCounts[kind.rawValue] ?? 0
            html += "<details data-gap=\"\(kind.rawValue)\" data-count=\"\(count)\"><summary>\(e(language.pick(kind.chineseName, kind.englishName)))：\(count)</summary>\n"
            let examples = tally.gapExamples[kind] ?? []
            if examples.isEmpty {
                html += "<p class=\"note\">\(t("无", "none"))</p>"
            } else {
                html += "<div class=\"scroll\"><table><thead><tr><th>\(t("类别", "Category"))</th><th>\(t("记录编号", "Record id"))</th><th class=\"num\">\(t("地方序号", "Local index"))</th><th class=\"num\">\(t("总局序号", "Central seq"))</th><th>\(t("不一致字段", "Differing fields"))</th></tr></thead><tbody>\n"
                for gap in examples {
                    html += "<tr><td>\(e(categoryName(gap.category)))</td><td>\(e(gap.id))</td><td class=\"num\">\(gap.localIndex.map(String.init) ?? "")</td><td class=\"num\">\(gap.centralIndex.map(String.init) ?? "")</td><td>\(e(gap.fields.joined(separator: ", ")))</td></tr>\n"
                }
                html += "</tbody></table></div>"
                if count > examples.count { html += "<p class=\"note\">\(t("仅列出前 \(examples.count) 条。", "First \(examples.count) shown."))</p>" }
            }
            html += "</details>\n"
        }
        return html + "</section>\n"
    }

    func categoryName(_ category: String) -> String {
        language == .chinese ? rules.category(category)?.label ?? category : category
    }

    func problems() -> String {
        var html = "<section id=\"problems\"><h2>\(t("问题清单（按规则）", "Problem list by rule"))</h2>\n"
        html += "<p class=\"note\">\(t("每条规则列出部分示例；完整问题清单（\(document.records.findings) 条）见 findings.csv，可用 Excel 打开。", "Each rule shows a sample; the full list (\(document.records.findings) findings) is findings.csv."))</p>\n"
        let failing = document.ruleCounts.filter { $0.findings > 0 }.sorted { ($0.dimension, -$0.findings, $0.rule) < ($1.dimension, -$1.findings, $1.rule) }
        if failing.isEmpty { html += "<p data-problems=\"0\">\(t("未发现问题。", "No findings."))</p>\n" }
        for entry in failing {
            let name = t(entry.name, entry.nameEn)
            let dimension = language == .chinese ? entry.dimension.chineseName : entry.dimension.rawValue
            html += "<details data-rule=\"\(e(entry.rule))\" data-failing=\"\(entry.failing)\" data-findings=\"\(entry.findings)\"><summary>\(e(dimension)) · \(e(name))：\(t("\(entry.failing) 条记录、\(entry.findings) 个问题", "\(entry.failing) records, \(entry.findings) findings"))</summary>\n"
            html += "<p class=\"note\"><code>\(e(entry.rule))</code></p>"
            let examples = tally.examples[entry.rule] ?? []
            if let hint = examples.first.map({ t($0.hint, $0.hintEn) }) { html += "<p>\(t("整改建议", "How to fix"))\(t("：", ": "))\(e(hint))</p>" }
            html += "<div class=\"scroll\"><table><thead><tr><th>\(t("类别", "Category"))</th><th>\(t("记录编号", "Record id"))</th><th class=\"hide-narrow\">\(t("字段", "Field"))</th><th>\(t("问题", "Problem"))</th></tr></thead><tbody>\n"
            for finding in examples {
                html += "<tr><td>\(e(categoryName(finding.category)))</td><td>\(e(finding.id))</td><td class=\"hide-narrow\">\(e(finding.field ?? ""))</td><td>\(e(t(finding.message, finding.messageEn)))</td></tr>\n"
            }
            html += "</tbody></table></div>"
            if entry.findings > examples.count { html += "<p class=\"note\">\(t("仅列出前 \(examples.count) 个，其余见 findings.csv。", "First \(examples.count) shown; the rest are in findings.csv."))</p>" }
            html += "</details>\n"
        }
        return html + "</section>\n"
    }

    func provenance() -> String {
        let mirror = document.mirror
        var html = "<section id=\"provenance\"><h2>\(t("可复核性", "Reproducibility"))</h2><ul class=\"meta\">\n"
        html += "<li>\(t("地方镜像检查点", "Mirror checkpoint"))\(t("：", ": "))<code>\(e(mirror.origin))</code> · \(t("大小", "size")) <span data-mirror-size=\"\(mirror.size)\">\(mirror.size)</span> · \(t("根", "root")) <code data-mirror-root=\"\(e(mirror.root))\">\(e(mirror.root))</code></li>\n"
        html += "<li>\(t("总局登记变更数", "Central register size"))\(t("：", ": "))<span data-register-size=\"\(document.register.size)\">\(document.register.size)</span></li>\n"
        html += "<li>\(t("规则文件", "Rules file"))\(t("：", ": ")) \(e(document.rules.version)) · SHA-256 <code>\(e(document.rules.sha256))</code></li>\n"
        html += "<li>\(t("工作日历", "Working-day calendar"))\(t("：", ": ")) SHA-256 <code>\(e(document.calendarSHA256))</code></li>\n"
        html += "<li>\(t("复核命令", "To rerun"))\(t("：", ": "))<code>creditsync hq audit --province \(document.province) --month \(document.month) --mirror-size \(mirror.size) --register-size \(document.register.size) --rules FILE --out DIR</code></li>\n"
        return html + "</ul></section>\n"
    }
}
