import Quality
import Reconcile

/// What an audit counts while it streams: the scorer's numerators and denominators (distinct
/// records), for all records and apart for stock (recorded before the month) and increment
/// (recorded in it), and a bounded sample of findings and gaps for the report. Memory is the
/// number of categories × rules × 3, plus the samples.
struct AuditTally {
    /// The scorer's counts over one population of records.
    struct Counts {
        /// Local records checked per category (every in-scope state row, revoked ones included).
        var checked: [String: Int] = [:]
        /// Records in the timeliness population per category.
        var timeliness: [String: Int] = [:]
        /// Central records missing locally per category: they join the comprehensiveness denominator.
        var missingLocal: [String: Int] = [:]
        var failing: [String: [String: Int]] = [:]
        var failingByDimension: [QualityDimension: [String: Int]] = [:]
        var failingAny: [String: Int] = [:]

        /// The scorer's input: the central records missing locally are passed apart (`missing`);
        /// the scorer counts them in every dimension.
        var scoreInput: ScoreInput {
            var checked = self.checked
            for category in missingLocal.keys where checked[category] == nil { checked[category] = 0 }
            // Every category named with its count, zero included: the scorer reads a category left
            // out as "not counted" and falls back to an estimate.
            var timeliness = self.timeliness
            var failingAny = self.failingAny
            var failingByDimension = self.failingByDimension
            for category in checked.keys {
                timeliness[category, default: 0] += 0
                failingAny[category, default: 0] += 0
                for dimension in QualityDimension.allCases { failingByDimension[dimension, default: [:]][category, default: 0] += 0 }
            }
            return ScoreInput(checked: checked, checkedByDimension: [.timeliness: timeliness], failing: failing,
                              failingByDimension: failingByDimension, failingAny: failingAny, missing: missingLocal)
        }
    }

    var all = Counts()
    var segments: [Finding.Segment: Counts] = [.stock: Counts(), .increment: Counts()]
    /// Finding rows per rule (a record may have several under one rule, e.g. two bad fields).
    var rows: [String: Int] = [:]
    var findings = 0
    var examples: [String: [Finding]] = [:]
    var gapCounts: [Gap.Kind: Int] = [:]
    var gapExamples: [Gap.Kind: [Gap]] = [:]
    var centralRecords = 0
    var revokedRecords = 0
    /// Local records whose information arose before the audit's scope (the rules' `audit_scope`).
    var outOfScope = 0
    let examplesPerRule: Int

    init(examplesPerRule: Int) { self.examplesPerRule = examplesPerRule }

    static func bit(_ dimension: QualityDimension) -> UInt8 { 1 << UInt8(QualityDimension.allCases.firstIndex(of: dimension)!) }
    /// The high bit of a work-table row's mask: the record is increment (recorded in the month).
    static let incrementBit: UInt8 = 0x80

    /// Applies `change` to the counts of every population the record belongs to.
    mutating func update(_ segment: Finding.Segment, _ change: (inout Counts) -> Void) {
        change(&all)
        change(&segments[segment, default: Counts()])
    }

    /// Counts a record of `segment` as checked (and for timeliness when it is in that population).
    mutating func checked(category: String, segment: Finding.Segment, timeliness: Bool) {
        update(segment) { counts in
            counts.checked[category, default: 0] += 1
            if timeliness { counts.timeliness[category, default: 0] += 1 }
        }
    }

    /// Counts a record's findings of one pass under their rules, once per rule, and returns the
    /// dimensions they fail. `seen` holds the rules already counted for this record.
    mutating func count(_ findings: [Finding], category: String, segment: Finding.Segment, seen: inout Set<String>) -> UInt8 {
        var mask: UInt8 = 0
        for finding in findings {
            mask |= Self.bit(finding.dimension)
            rows[finding.rule, default: 0] += 1
            self.findings += 1
            if examples[finding.rule, default: []].count < examplesPerRule { examples[finding.rule, default: []].append(finding) }
            if seen.insert(finding.rule).inserted {
                update(segment) { $0.failing[category, default: [:]][finding.rule, default: 0] += 1 }
            }
        }
        return mask
    }

    /// Settles a local record once all its findings are in: the dimensions it failed, and
    /// whether it failed any.
    mutating func settle(category: String, segment: Finding.Segment, mask: UInt8) {
        let dimensions = mask & ~Self.incrementBit
        guard dimensions != 0 else { return }
        update(segment) { counts in
            counts.failingAny[category, default: 0] += 1
            for dimension in QualityDimension.allCases where dimensions & Self.bit(dimension) != 0 {
                counts.failingByDimension[dimension, default: [:]][category, default: 0] += 1
            }
        }
    }

    mutating func count(_ gap: Gap) {
        gapCounts[gap.kind, default: 0] += 1
        if gapExamples[gap.kind, default: []].count < examplesPerRule { gapExamples[gap.kind, default: []].append(gap) }
    }

    /// Counts a central record the province lacks: a comprehensiveness failure of its category,
    /// not a failure of any local record.
    mutating func countMissingLocal(_ finding: Finding?, category: String, segment: Finding.Segment) {
        update(segment) { $0.missingLocal[category, default: 0] += 1 }
        guard let finding else { return }
        rows[finding.rule, default: 0] += 1
        findings += 1
        if examples[finding.rule, default: []].count < examplesPerRule { examples[finding.rule, default: []].append(finding) }
    }

    var scoreInput: ScoreInput { all.scoreInput }
}
