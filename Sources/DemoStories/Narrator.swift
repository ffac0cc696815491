/// Prints the demo's story in Simplified Chinese (default) or English.
struct Narrator: Sendable {
    enum Language: String, Sendable {
        case zh
        case en
    }

    let language: Language

    func step(_ number: Int, zh: String, en: String) {
        Output.line("")
        Output.line(language == .zh ? "【\(number)】\(zh)" : "[\(number)] \(en)")
    }

    func say(zh: String, en: String) {
        Output.line("    " + (language == .zh ? zh : en))
    }

    func show(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines { Output.line("      │ " + line) }
    }
}
