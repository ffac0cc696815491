import Foundation
import SyncProtocol
import Testing

/// The province's protocol loop, driven without sockets: every answer leads to one next step.
@Suite("Province sync state machine")
struct ProvinceSyncMachineTests {
    typealias Machine = ProvinceSyncMachine

    @Test("a first sync: state, checkpoint, upload, done")
    func happyPath() {
        var machine = Machine(localSize: 1000, retries: 3)
        #expect(machine.start() == .fetchState(attempt: 0))
        #expect(machine.handle(.state(pendingSize: 0, nextEntry: 0, receiptForLocal: false)) == .submitCheckpoint(oldSize: 0))
        #expect(machine.handle(.checkpointAccepted(nextEntry: 0)) == .upload(start: 0))
        #expect(machine.handle(.uploadPartial(nextEntry: 512)) == .upload(start: 512))
        #expect(machine.handle(.uploadComplete) == .finish)
        #expect(machine.attempts == 0, "progress is not a retry")
    }

    @Test("nothing new, a receipt HQ already has, an upload that resumes without a new checkpoint")
    func shortcuts() {
        var machine = Machine(localSize: 1000, retries: 3)
        #expect(machine.handle(.state(pendingSize: 1000, nextEntry: 1000, receiptForLocal: true)) == .finish)
        var resume = Machine(localSize: 1000, retries: 3)
        #expect(resume.handle(.state(pendingSize: 1000, nextEntry: 768, receiptForLocal: false)) == .upload(start: 768))
        var behind = Machine(localSize: 1000, retries: 3)
        #expect(behind.handle(.state(pendingSize: 1200, nextEntry: 1200, receiptForLocal: false)) == .fail(.ledgerBehind(hqPending: 1200)))
    }

    @Test("a conflict starts over from HQ's state (the step after a conflict is never the same upload again)")
    func conflictResumesFromState() {
        var machine = Machine(localSize: 1000, retries: 2)
        _ = machine.handle(.state(pendingSize: 0, nextEntry: 0, receiptForLocal: false))
        #expect(machine.handle(.problem(.conflict, status: 409, message: "moved")) == .fetchState(attempt: 1))
        #expect(machine.handle(.state(pendingSize: 1000, nextEntry: 300, receiptForLocal: false)) == .upload(start: 300))
        #expect(machine.handle(.problem(.uploadInProgress, status: 409, message: "busy")) == .fetchState(attempt: 2))
        _ = machine.handle(.state(pendingSize: 1000, nextEntry: 300, receiptForLocal: false))
        // The third conflict exceeds two retries: give up as unavailable (exit 6), not loop.
        guard case .fail(.unavailable(let message)) = machine.handle(.problem(.conflict, status: 409, message: "moved")) else {
            Issue.record("expected to give up")
            return
        }
        #expect(message.contains("gave up after 2 retries"))
    }

    @Test("client errors stop with their code; HQ faults end the run as unavailable; a dropped connection retries")
    func recoveries() {
        for code in [ProblemCode.proofInvalid, .malformed, .badEncoding, .tooLarge, .fork, .stale, .signatureInvalid, .revoked, .forbidden, .notEnrolled] {
            var machine = Machine(localSize: 10, retries: 5)
            #expect(machine.handle(.problem(code, status: code.httpStatus, message: "m")) == .fail(.refused(code, status: code.httpStatus, message: "m")), "\(code)")
        }
        for code in [ProblemCode.internal, .shuttingDown, .unavailable] {
            var machine = Machine(localSize: 10, retries: 5)
            #expect(machine.handle(.problem(code, status: code.httpStatus, message: "m")) == .fail(.unavailable("HQ answered \(code.httpStatus): m")), "\(code)")
        }
        var unknown = Machine(localSize: 10, retries: 5)
        #expect(unknown.handle(.problem(nil, status: 418, message: "teapot")) == .fail(.refused(nil, status: 418, message: "teapot")))
        var dropped = Machine(localSize: 10, retries: 5)
        _ = dropped.handle(.state(pendingSize: 10, nextEntry: 0, receiptForLocal: false))
        #expect(dropped.handle(.transportFailure("reset")) == .fetchState(attempt: 1))
    }

    @Test("answers the protocol does not allow are named")
    func violations() {
        var machine = Machine(localSize: 1000, retries: 3)
        _ = machine.handle(.state(pendingSize: 1000, nextEntry: 512, receiptForLocal: false))
        guard case .fail(.protocolViolation) = machine.handle(.uploadPartial(nextEntry: 512)) else {
            Issue.record("a 202 without progress must not loop")
            return
        }
        var beyond = Machine(localSize: 1000, retries: 3)
        guard case .fail(.protocolViolation) = beyond.handle(.state(pendingSize: 1000, nextEntry: 2000, receiptForLocal: false)) else {
            Issue.record("a next entry beyond the checkpoint is a violation")
            return
        }
    }

    @Test("every problem code has one status and one recovery")
    func problemCodes() {
        for code in ProblemCode.allCases {
            #expect((400...599).contains(code.httpStatus))
            if code.httpStatus >= 500 { #expect(code.recovery == .retryLater, "\(code)") }
        }
        #expect(Set(ProblemCode.allCases.map(\.rawValue)).count == ProblemCode.allCases.count)
    }

    @Test("Protocol/sync.md and openapi.yaml list exactly the problem codes both sides use")
    func documentedCodes() throws {
        let protocolDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocol")
        let prose = try String(contentsOf: protocolDirectory.appendingPathComponent("sync.md"), encoding: .utf8)
        let spec = try String(contentsOf: protocolDirectory.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        for code in ProblemCode.allCases {
            #expect(prose.contains("| `\(code.rawValue)` | \(code.httpStatus) |"), "sync.md lacks \(code.rawValue) with status \(code.httpStatus)")
            #expect(spec.contains(code.rawValue), "openapi.yaml lacks \(code.rawValue)")
        }
    }
}
