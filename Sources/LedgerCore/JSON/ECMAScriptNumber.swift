/// Formats a double as ECMAScript's `Number.prototype.toString` does (ECMA-262 §6.1.6.1.20),
/// which RFC 8785 §3.2.2.3 adopts for JSON numbers.
///
/// Swift's `description` already yields the shortest digit string that round-trips (the same
/// digits ECMAScript picks); only the layout differs, so we take the digits and exponent from it
/// and lay them out by ECMAScript's rules.
public enum ECMAScriptNumber {
    public static func format(_ value: Double) -> String {
        precondition(value.isFinite, "JSON numbers are finite")
        if value == 0 { return "0" }  // also -0
        let negative = value < 0
        let (digits, pointPosition) = shortestDigits(abs(value))
        let k = digits.count
        let n = pointPosition
        var result = negative ? "-" : ""
        if k <= n && n <= 21 {
            result += digits + String(repeating: "0", count: n - k)
        } else if 0 < n && n <= 21 {
            let index = digits.index(digits.startIndex, offsetBy: n)
            result += digits[..<index] + "." + digits[index...]
        } else if -6 < n && n <= 0 {
            result += "0." + String(repeating: "0", count: -n) + digits
        } else {
            let exponent = n - 1
            let sign = exponent < 0 ? "-" : "+"
            if k == 1 {
                result += digits
            } else {
                result += digits.prefix(1) + "." + digits.dropFirst()
            }
            result += "e" + sign + String(abs(exponent))
        }
        return result
    }

    /// The shortest round-trip decimal digits of a positive finite double, without leading or
    /// trailing zeros, and `n` such that the value is 0.digits × 10^n.
    static func shortestDigits(_ value: Double) -> (digits: String, n: Int) {
        let text = value.description  // e.g. "123.45", "1e-07", "1.2345e+20", "5e-324"
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...])!
        }
        var integerPart = mantissa
        var fractionPart: Substring = ""
        if let dot = mantissa.firstIndex(of: ".") {
            integerPart = mantissa[..<dot]
            fractionPart = mantissa[mantissa.index(after: dot)...]
        }
        var digits = String(integerPart) + fractionPart
        var n = integerPart.count + exponent
        // Strip leading zeros (each moves the point left) and trailing zeros.
        while digits.first == "0" {
            digits.removeFirst()
            n -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        return (digits, n)
    }
}
