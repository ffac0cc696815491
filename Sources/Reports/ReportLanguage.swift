/// The language of reports for people (CSV, HTML): Simplified Chinese by default, English on
/// request. `audit.json` carries both.
public enum ReportLanguage: String, Sendable, CaseIterable {
    case chinese = "zh"
    case english = "en"

    /// Picks the text of this language.
    public func pick(_ zh: String, _ en: String) -> String { self == .chinese ? zh : en }
}
