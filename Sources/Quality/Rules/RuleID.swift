/// The rule ids the checkers emit. The rules file's catalogue (`rules`) must define each of them
/// (dimension, weight, messages, hints); deadline rules are named by the file's `deadlines`.
public enum RuleID {
    // Per record: RecordChecker.
    public static let requiredField = "completeness.required_field"
    public static let conditionalField = "completeness.conditional_field"
    public static let unknownCategory = "conformance.unknown_category"
    public static let valueType = "conformance.value_type"
    public static let usccFormat = "conformance.uscc_format"
    public static let dateFormat = "conformance.date_format"
    public static let dateTimeFormat = "conformance.datetime_format"
    public static let codeValue = "conformance.code_value"
    public static let decimalFormat = "conformance.decimal_format"
    public static let decimalAsNumber = "conformance.decimal_as_number"
    public static let longTermSentinel = "conformance.long_term_sentinel"
    public static let maxLength = "conformance.max_length"
    public static let usccCheck = "accuracy.uscc_check"
    public static let endBeforeStart = "accuracy.end_before_start"
    public static let decisionInFuture = "accuracy.decision_in_future"
    public static let decisionAfterRecorded = "accuracy.decision_after_recorded"
    public static let yuanForWan = "accuracy.yuan_for_wan"
    public static let usccPrefixType = "relatedness.uscc_prefix_type"
    public static let calendarNotCovered = "timeliness.calendar_not_covered"

    // Per group: GroupChecker.
    public static let noRegistration = "relatedness.no_registration"
    public static let nameMismatch = "relatedness.name_mismatch"
    public static let removalWithoutListing = "relatedness.removal_without_listing"
    public static let annualReportMissing = "comprehensiveness.annual_report_missing"
    public static let repairWithoutRecord = "relatedness.repair_without_record"
    public static let repairedStillActive = "relatedness.repaired_still_active"
    public static let duplicateDecision = "redundancy.duplicate_decision"
    public static let identicalRecord = "redundancy.identical_record"

    // Found by the caller (central vs local comparison), catalogued here so every finding comes
    // from one catalogue.
    public static let missingLocal = "comprehensiveness.missing_local"
    public static let missingCentral = "comprehensiveness.missing_central"
    public static let centralLocalDiffers = "accuracy.central_local_differs"
    public static let idDiffers = "relatedness.id_differs"
    public static let revokedLocallyActiveCentrally = "relatedness.revoked_locally_active_centrally"
    public static let revokedCentrallyActiveLocally = "relatedness.revoked_centrally_active_locally"
    /// A central item HQ's feed delivered that the province did not publish under the entity in time.
    public static let pushDownPublicity = "timeliness.push_down_publicity"

    /// Rules `RecordChecker` implements itself; deadline rules come from the rules file on top.
    public static let builtInRecordRules: [String] = [
        requiredField, conditionalField, unknownCategory, valueType, usccFormat, dateFormat, dateTimeFormat, codeValue,
        decimalFormat, decimalAsNumber, longTermSentinel, maxLength, usccCheck, endBeforeStart, decisionInFuture,
        decisionAfterRecorded, yuanForWan, usccPrefixType, calendarNotCovered,
    ]
    /// Rules `GroupChecker` implements; the file's `groupings` say which grouping runs which.
    public static let groupRules: [String] = [
        noRegistration, nameMismatch, removalWithoutListing, annualReportMissing, repairWithoutRecord, repairedStillActive,
        duplicateDecision, identicalRecord,
    ]
    public static let callerRules: [String] = [
        missingLocal, missingCentral, centralLocalDiffers, revokedLocallyActiveCentrally, revokedCentrallyActiveLocally, idDiffers,
        pushDownPublicity,
    ]
}
