/// Prints the demo's story in Simplified Chinese (default) or English, one line at a time
/// through `write` (standard output in the CLI, a buffer in tests).
public struct Narrator: Sendable {
    public enum Language: String, Sendable {
        case zh
        case en
    }

    public let language: Language
    let write: @Sendable (String) -> Void

    public init(language: Language, write: @escaping @Sendable (String) -> Void) {
        self.language = language
        self.write = write
    }

    func step(_ number: Int, zh: String, en: String) {
        write("")
        write(language == .zh ? "【\(number)】\(zh)" : "[\(number)] \(en)")
    }

    func say(zh: String, en: String) {
        write("    " + (language == .zh ? zh : en))
    }

    func show(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        for line in lines { write("      │ " + line) }
    }
}
