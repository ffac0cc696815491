/// Parameters of the relatedness and per-entity comprehensiveness group checks.
public struct RelationRules: Sendable {
    /// Listings and removals (列入/移出) of the same list for one entity.
    public struct Lists: Sendable {
        public let categories: Set<String>
        public let action: String
        public let listing: String
        public let removal: String
        /// Path of the decision date that orders them.
        public let date: String
    }

    /// Registered, active entities owe an annual report for the previous year by `due`.
    public struct AnnualReports: Sendable {
        public let category: String
        public let year: String
        public let dueMonth: Int
        public let dueDay: Int
        /// Path of the registration's establishment date.
        public let established: String
        /// Path of the registration status, and the statuses that owe a report.
        public let status: String
        public let active: Set<String>
    }

    /// Credit repairs (信用修复) and the records they repair, for the 2024 plan's 同步修复
    /// (notices/2024-69-credit-three-year-plan.txt:32): a repair names a penalty or listing of its
    /// entity, and once repaired that record is no longer shown as active.
    public struct Repairs: Sendable {
        public let category: String
        /// Paths of the repaired record's category and id, and of the repair's decision date.
        public let repairedCategory: String
        public let repairedID: String
        public let date: String
        /// Categories a repair may name. List categories (`Lists.categories`) are repaired by a
        /// removal (移出) decided on or after the repair's listing; others by their publicity ending.
        public let repairable: Set<String>
        /// Path of the date a repaired record's publicity ends: on or before the repair's date.
        public let publicityUntil: String
    }

    /// The category whose records register entities.
    public let registrationCategory: String
    /// Categories whose records need no registration of their entity.
    public let exemptCategories: Set<String>
    public let lists: Lists
    public let annualReports: AnnualReports
    public let repairs: Repairs
}
