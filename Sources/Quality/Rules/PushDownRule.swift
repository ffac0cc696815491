/// The rules file's `push_down`: items of `categories` that HQ's feed delivered to a province
/// must be published under their entity in the province's data within `workingDays` of the day
/// HQ appended them to the feed (`RuleID.pushDownPublicity`).
public struct PushDownRule: Sendable, Equatable {
    public var categories: Set<String>
    public var workingDays: Int

    public init(categories: Set<String>, workingDays: Int) {
        self.categories = categories
        self.workingDays = workingDays
    }
}
