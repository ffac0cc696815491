import Foundation
import LedgerCore
import Testing

@Suite("UTC timestamps")
struct UTCTimestampTests {
    @Test("the hand-written RFC 3339 formatter agrees with Foundation's, leap days and century years included")
    func agreesWithFoundation() {
        let formatter = ISO8601DateFormatter()
        var seconds: [Int64] = [0, 59, 86_399, 86_400, 951_782_400, 951_868_799, 4_107_542_400, 1_796_608_923, -1, -86_400, -2_208_988_800]
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2_000 {
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            seconds.append(Int64(x % 8_000_000_000) - 2_000_000_000)
        }
        for value in seconds {
            #expect(UTCTimestamp.rfc3339(seconds: value) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(value))), "\(value)")
        }
        #expect(UTCTimestamp.rfc3339(seconds: 1_796_608_923) == "2026-12-07T02:02:03Z")
    }
}
