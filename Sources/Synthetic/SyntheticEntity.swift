import Quality

/// An entity in `RecordGenerator`'s pool: what every record about it must agree with.
struct SyntheticEntity: Sendable {
    let uscc: String
    /// The registered name.
    let name: String
    /// An individual business (USCC prefix 92).
    let individual: Bool
    let entityType: String
    let registrationID: String
    let established: CivilDate
    /// Day of its earliest standing listing on the abnormal-operations list, if listed.
    var listedOn: CivilDate?
    /// Its risk-classification record, updated in place.
    var riskID: String?
}
