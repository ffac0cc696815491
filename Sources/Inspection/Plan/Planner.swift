import LedgerCore

/// Draws an inspection's sample from a log at a signed checkpoint.
public enum Planner {
    public static func plan(log: any InspectedLog, checkpointText: String, inspectionID: String, sampleSize: Int,
                            weights: RiskWeights) async throws -> InspectionPlan {
        try InspectionPlan.validate(inspectionID: inspectionID, sampleSize: sampleSize)
        let checkpoint = try await log.verifyCheckpoint(checkpointText)
        let scan = try await log.scan(size: checkpoint.size)
        return try InspectionPlan.draw(checkpoint: checkpoint, inspectionID: inspectionID, sampleSize: sampleSize, weights: weights,
                                       members: scan.members())
    }
}
