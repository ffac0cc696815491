public import LedgerCore
public import Mirroring
import Foundation

/// Splits a delivery body (Protocol/sync.md §7) into its header and entry lines. Pure; a body
/// cut off anywhere is refused here or by `FeedVerifier`, never applied in part.
public enum FeedDeliveryBody {
    public static func parse(_ body: [UInt8]) throws(FeedError) -> (header: FeedDeliveryHeader, entries: [[UInt8]]) {
        guard body.last == 0x0A else { throw FeedError.refused(.malformed, "the delivery does not end with a complete line (cut off?)") }
        var lines = body.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false).map { Array($0) }
        guard !lines.isEmpty else { throw FeedError.refused(.malformed, "the delivery is empty") }
        let first = lines.removeFirst()
        let header: FeedDeliveryHeader
        do {
            header = try JSONDecoder().decode(FeedDeliveryHeader.self, from: Data(first))
        } catch {
            throw FeedError.refused(.malformed, "the delivery's first line is not a feed header: \(error)")
        }
        if lines == [[]] { lines = [] }
        return (header, lines)
    }
}
