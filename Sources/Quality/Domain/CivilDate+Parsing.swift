/// Strict parsers for the date forms records carry. They validate, never repair: `2026-3-5`,
/// full-width digits or `2026-02-30` are nil, so the checker can report them. They read the
/// text's UTF-8 in place, without allocating.
extension CivilDate {
    /// Parses `YYYY-MM-DD` (ASCII digits, a real calendar date).
    public init?(iso text: some StringProtocol) {
        guard let date = Self.withUTF8(text, { $0.count == 10 ? Self.date($0) : nil }) else { return nil }
        self = date
    }

    /// The civil date in Beijing time (UTC+08:00) of an RFC 3339 date-time with an offset: the
    /// date part as written for `+08:00`, shifted for other offsets (`2026-03-04T17:00:00Z` is
    /// 5 March in Beijing), so that working days count in the regulator's calendar whatever
    /// clock a system stamped. Nil unless the whole text is a valid RFC 3339 date-time with `Z`
    /// or `±HH:MM`.
    public init?(dateTime text: some StringProtocol) {
        guard let date = Self.withUTF8(text, Self.dateTime) else { return nil }
        self = date
    }

    /// `YYYY` as a year number (four ASCII digits).
    public static func parseYear(_ text: some StringProtocol) -> Int? {
        withUTF8(text) { $0.count == 4 ? number($0, 0, 4) : nil }
    }

    /// `YYYY-MM` as (year, month).
    public static func parseMonth(_ text: some StringProtocol) -> (year: Int, month: Int)? {
        withUTF8(text) { bytes -> (year: Int, month: Int)? in
            guard bytes.count == 7, bytes[4] == UInt8(ascii: "-"), let year = number(bytes, 0, 4),
                  let month = number(bytes, 5, 2), (1...12).contains(month) else { return nil }
            return (year, month)
        }
    }

    static func withUTF8<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R?) -> R? {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(text.utf8).withUnsafeBufferPointer(body)
    }

    /// `YYYY-MM-DD` in the first 10 bytes.
    static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count >= 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(bytes, 0, 4), let month = number(bytes, 5, 2), (1...12).contains(month),
              let day = number(bytes, 8, 2), day >= 1, day <= daysIn(year: year, month: month) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    static func dateTime(_ bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        guard bytes.count >= 20, let date = date(bytes), bytes[10] == UInt8(ascii: "T"),
              let hour = number(bytes, 11, 2), hour <= 23, bytes[13] == UInt8(ascii: ":"),
              let minute = number(bytes, 14, 2), minute <= 59, bytes[16] == UInt8(ascii: ":"),
              let second = number(bytes, 17, 2), second <= 60 else { return nil }
        var position = 19
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            let digits = position
            while position < bytes.count, bytes[position] >= 0x30, bytes[position] <= 0x39 { position += 1 }
            guard position > digits, position < bytes.count else { return nil }
        }
        let offset: Int
        switch bytes[position] {
        case UInt8(ascii: "Z"):
            guard position + 1 == bytes.count else { return nil }
            offset = 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard bytes.count == position + 6, let hours = number(bytes, position + 1, 2), hours <= 23,
                  bytes[position + 3] == UInt8(ascii: ":"), let minutes = number(bytes, position + 4, 2), minutes <= 59 else { return nil }
            offset = (bytes[position] == UInt8(ascii: "+") ? 1 : -1) * (hours * 60 + minutes)
        default:
            return nil
        }
        guard offset != beijingOffset else { return date }
        let beijing = hour * 60 + minute - offset + beijingOffset
        return date.adding(days: beijing >= 1440 ? 1 : beijing < 0 ? -1 : 0)
    }

    /// The civil date in Beijing time of an instant given as seconds since 1970 (UTC).
    public init(beijing secondsSince1970: Double) {
        let minutes = Int((secondsSince1970 / 60).rounded(.down)) + Self.beijingOffset
        self.init(day: minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440)
    }

    /// Beijing time's offset from UTC, in minutes.
    static let beijingOffset = 8 * 60

    /// `count` ASCII digits at `offset` as a number.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ offset: Int, _ count: Int) -> Int? {
        var value = 0
        for index in offset..<offset + count {
            let byte = bytes[index]
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
}
