import Foundation
import HQStorage
import LedgerCore
import Mirroring
import Quality

/// What HQ's feed had delivered to a province by the end of an audit period (DESIGN §7), for
/// `timeliness.push_down_publicity`: each item of the rule's categories by its record key, with
/// the Beijing date of the first feed checkpoint that covers it (when HQ pushed it down), less the
/// items withdrawn by then. Memory is the key, index and date of each item the province must
/// publish; an entry is read again only for a finding.
struct PushedDownItems {
    struct Item: Sendable {
        var index: UInt64
        var pushedOn: CivilDate
    }

    var items: [StateKey: Item] = [:]
    var feed: (any FeedStore)?

    static func read(_ feed: any FeedStore, categories: Set<String>, through lastDay: CivilDate) async throws -> PushedDownItems {
        var result = PushedDownItems()
        result.feed = feed
        var keys: [String: StateKey] = [:]
        var cursor: UInt64 = 0
        // HQ signs one checkpoint per import chunk: each one dates the entries it added.
        while let checkpoint = try await feed.nextCheckpoint(after: cursor, maxEntries: 1) {
            let day = CivilDate(beijing: checkpoint.storedAt.timeIntervalSince1970)
            guard day <= lastDay else { break }
            for (offset, entry) in try await feed.entries(from: cursor, to: checkpoint.size).enumerated() {
                guard let value = try? JSONParser.parse(entry), let category = value["category"]?.stringValue,
                      let changeID = value["change_id"]?.stringValue else { continue }
                if category == CentralItem.withdrawalCategory {
                    if let withdrawn = value.value(at: "fields.change_id")?.stringValue, let key = keys.removeValue(forKey: withdrawn) {
                        result.items[key] = nil
                    }
                    continue
                }
                guard categories.contains(category), let id = value["id"]?.stringValue else { continue }
                let key = StateKey(category: category, id: id)
                keys[changeID] = key
                result.items[key] = Item(index: cursor + UInt64(offset), pushedOn: day)
            }
            cursor = checkpoint.size
        }
        return result
    }
}
