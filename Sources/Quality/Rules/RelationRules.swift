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

    /// The category whose records register entities.
    public let registrationCategory: String
    /// Categories whose records need no registration of their entity.
    public let exemptCategories: Set<String>
    public let lists: Lists
    public let annualReports: AnnualReports
}
