import Foundation

/// Splits a migration's SQL into statements at top-level semicolons (not inside quotes,
/// `$$`-quoted function bodies or `--` comments): PostgreSQL's extended protocol, which
/// PostgresNIO speaks, takes one statement per query.
enum SQLStatements {
    static func split(_ sql: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var characters = Array(sql)[...]
        var inQuote = false
        var inDollar = false
        while let character = characters.first {
            characters = characters.dropFirst()
            if !inQuote, !inDollar, character == "-", characters.first == "-" {
                while let next = characters.first, next != "\n" { characters = characters.dropFirst() }
                continue
            }
            current.append(character)
            if !inDollar, character == "'" { inQuote.toggle() }
            if !inQuote, character == "$", characters.first == "$" {
                current.append("$")
                characters = characters.dropFirst()
                inDollar.toggle()
            }
            if !inQuote, !inDollar, character == ";" {
                let statement = current.dropLast().trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { statements.append(statement) }
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }
}
