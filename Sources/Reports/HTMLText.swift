import Foundation

/// HTML building blocks shared by the reports (audits, inspections): escaping, numbers, the page frame. Written by
/// hand: the reports are one self-contained file with no scripts, fonts or network.
public enum HTMLText {
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// Two decimals, as audit.json rounds them; "—" when there is no score.
    public static func score(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.2f", value)
    }

    /// A signed change with an arrow.
    public static func change(_ value: Double?) -> String {
        guard let value else { return "—" }
        if value > 0 { return "▲ +" + String(format: "%.2f", value) }
        if value < 0 { return "▼ " + String(format: "%.2f", value) }
        return "＝ 0.00"
    }

    /// A horizontal bar for a 0–100 score (pure CSS, prints).
    public static func bar(_ value: Double?) -> String {
        let width = max(0, min(100, value ?? 0))
        let tone = (value ?? 0) >= 90 ? "good" : (value ?? 0) >= 75 ? "fair" : "poor"
        return "<div class=\"bar\" role=\"img\" aria-label=\"\(score(value))\"><span class=\"\(tone)\" style=\"width:\(String(format: "%.2f", width))%\"></span></div>"
    }

    public static func page(title: String, language: ReportLanguage, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="\(language == .chinese ? "zh-CN" : "en")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="creditsync">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    public static let style = """
        :root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--good:#2f855a;--fair:#b7791f;--poor:#c53030}
        *{box-sizing:border-box}
        body{font-family:-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:var(--ink);margin:0 auto;max-width:1080px;padding:16px;line-height:1.5}
        h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.2rem;margin-top:1.6em;border-bottom:2px solid var(--line);padding-bottom:.2em}
        .meta{color:var(--muted);font-size:.85rem}.meta code{word-break:break-all}
        .overall{display:flex;flex-wrap:wrap;gap:16px;align-items:baseline}.overall .big{font-size:2.6rem;font-weight:700}
        .scroll{overflow-x:auto}
        table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
        th{background:#f5f7fa}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        .bar{background:#edf2f7;height:12px;border-radius:6px;min-width:80px;overflow:hidden}.bar span{display:block;height:100%}
        .good{background:var(--good)}.fair{background:var(--fair)}.poor{background:var(--poor)}
        .up{color:var(--good)}.down{color:var(--poor)}
        details{border:1px solid var(--line);border-radius:6px;margin:8px 0;padding:4px 10px}summary{cursor:pointer;font-weight:600}
        .note{color:var(--muted);font-size:.85rem}
        @media (max-width:600px){body{padding:8px}th,td{padding:4px}.hide-narrow{display:none}}
        @media print{body{max-width:none}details{break-inside:avoid}details>*{display:block}.bar{border:1px solid #999}}
        """
}
