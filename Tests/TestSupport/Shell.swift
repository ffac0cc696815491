public import Foundation
import Spawning

/// Runs external programs for tests (the OpenSSL CLI, Go).
public enum Shell {
    /// Runs `executable` with `arguments`, returns its exit status and combined output.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil) async throws -> (status: Int32, output: String) {
        let output = try await ChildProcess.run(executable, arguments, input: input, environment: environment, combined: true)
        return (output.termination.code, String(decoding: output.standardOutput, as: UTF8.self))
    }
}
