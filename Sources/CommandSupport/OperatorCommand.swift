public import ArgumentParser
import Foundation
import HQAudit
import HQStorage
import Inspection
public import LedgerCore
import LedgerStore
import ProvinceNode
import Quality
import SyncProtocol

/// A command whose failures are reported as `error:` and `hint:` lines with a stable exit code.
public protocol OperatorCommand: AsyncParsableCommand {
    func execute() async throws
}

extension OperatorCommand {
    public mutating func run() async throws {
        do {
            try await execute()
        } catch let error as ExitCode {
            throw error
        } catch let error as any OperatorError {
            Output.error("error: \(error.message)")
            Output.error("hint: \(error.hint)")
            throw ExitCode(ExitCodes.code(for: error))
        } catch let error as CleanExit {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            Output.error("error: \(error)")
            throw ExitCode(ExitCodes.failure)
        }
    }
}

/// Exit codes a scheduler can act on; documented in `creditsync --help` and ops/README.md.
public enum ExitCodes {
    public static let failure: Int32 = 1
    public static let inputRejected: Int32 = 3
    public static let verificationFailed: Int32 = 4
    public static let configuration: Int32 = 5
    public static let unreachable: Int32 = 6
    public static let refused: Int32 = 7

    public static func code(for error: any OperatorError) -> Int32 {
        switch error.code {
        case LedgerStoreError.Code.corrupt.rawValue, LedgerStoreError.Code.rootMismatch.rawValue, HQStorageError.Code.corrupt.rawValue, "hq.intake":
            verificationFailed
        case ProvinceNodeError.Code.unreachable.rawValue:
            unreachable
        case ProvinceNodeError.Code.refused.rawValue, ProvinceNodeError.Code.protocolViolation.rawValue,
             ProvinceNodeError.Code.receiptInvalid.rawValue:
            refused
        case let code where code.hasPrefix("feed."):
            // A feed delivery refused (FeedError): the protocol-error exit, like a bad receipt.
            refused
        case "hq.input":
            inputRejected
        case ProvinceNodeError.Code.noLedger.rawValue, ProvinceNodeError.Code.ledgerExists.rawValue,
             ProvinceNodeError.Code.keyFile.rawValue, ProvinceNodeError.Code.configuration.rawValue,
             ProvinceNodeError.Code.unknownProvince.rawValue, LedgerStoreError.Code.notALedger.rawValue,
             LedgerStoreError.Code.wrongSuite.rawValue, LedgerStoreError.Code.alreadyExists.rawValue,
             LedgerStoreError.Code.indexOutOfRange.rawValue, LedgerStoreError.Code.keyMismatch.rawValue,
             LedgerCoreError.Code.unknownSuite.rawValue, LedgerCoreError.Code.malformedKey.rawValue,
             LedgerCoreError.Code.invalidField.rawValue,
             "hq.configuration", "hq.data-directory", "hq.enrolment", ProblemCode.notEnrolled.rawValue,
             HQStorageError.Code.enrolment.rawValue, HQStorageError.Code.notEnrolled.rawValue, HQStorageError.Code.schema.rawValue,
             HQStorageError.Code.unavailable.rawValue, HQStorageError.Code.outOfRange.rawValue, "file.secret",
             AuditError.Code.notEnrolled.rawValue, AuditError.Code.noSuchSize.rawValue, AuditError.Code.rules.rawValue,
             QualityError.Code.invalidRules.rawValue, QualityError.Code.invalidCalendar.rawValue, QualityError.Code.invalidPeriod.rawValue,
             QualityError.Code.unreadableFile.rawValue:
            configuration
        case AuditError.Code.input.rawValue, InspectionError.Code.archive.rawValue:
            inputRejected
        case InspectionError.Code.verification.rawValue, InspectionError.Code.corrupt.rawValue, InspectionError.Code.trust.rawValue,
             InspectionError.Code.order.rawValue, InspectionError.Code.result.rawValue:
            verificationFailed
        case InspectionError.Code.usage.rawValue, InspectionError.Code.checkpoint.rawValue:
            configuration
        case AuditError.Code.corrupt.rawValue:
            verificationFailed
        default:
            failure
        }
    }
}
