/// Amounts in 万元 as records carry them: plain decimal strings (DESIGN §3).
enum DecimalText {
    enum Problem: Equatable {
        case notPlain
        case tooManyPlaces(Int)
    }

    /// Nil when `text` is a plain non-negative decimal (`0`, `12`, `0.005`), with no sign,
    /// separators, exponent, spaces or redundant leading zeros, and at most `maxPlaces` places.
    static func problem(_ text: String, maxPlaces: Int) -> Problem? {
        var integerDigits = 0
        var places = 0
        var seenPoint = false
        var leadingZero = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenPoint {
                    places += 1
                } else {
                    if integerDigits == 1 && leadingZero { return .notPlain }
                    if integerDigits == 0 && byte == UInt8(ascii: "0") { leadingZero = true }
                    integerDigits += 1
                }
            case UInt8(ascii: "."):
                guard !seenPoint, integerDigits > 0 else { return .notPlain }
                seenPoint = true
            default:
                return .notPlain
            }
        }
        guard integerDigits > 0, !seenPoint || places > 0 else { return .notPlain }
        return places > maxPlaces ? .tooManyPlaces(places) : nil
    }

    /// A threshold as operators wrote it: `1000`, not `1000.0`.
    static func plain(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The numbers written directly before `元` but not `万元` in `text` (`罚款人民币5,000元` → 5000).
    static func yuanAmounts(in text: String) -> [Double] {
        guard text.unicodeScalars.contains("元") else { return [] }
        func isAmount(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) || scalar == "," || scalar == "." }
        let scalars = Array(text.unicodeScalars)
        var amounts: [Double] = []
        for (index, scalar) in scalars.enumerated() where scalar == "元" {
            var start = index
            while start > 0, isAmount(scalars[start - 1]) { start -= 1 }
            var digits = String.UnicodeScalarView()
            digits.append(contentsOf: scalars[start..<index].filter { $0 != "," })
            if let amount = Double(String(digits)) { amounts.append(amount) }
        }
        return amounts
    }
}
