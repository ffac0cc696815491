public import Foundation
public import Spawning

/// Runs the built `creditsync` binary, which `swift build --build-tests` puts next to the test bundle.
public enum CLI {
    public static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("creditsync").path,
            Bundle.main.bundleURL.appendingPathComponent("creditsync").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/creditsync").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// Runs `creditsync arguments…` to completion.
    @discardableResult
    public static func run(_ arguments: [String], input: Data? = nil) async throws -> Result {
        let output = try await ChildProcess.run(binary, arguments, input: input)
        return Result(status: output.termination.code, stdout: String(decoding: output.standardOutput, as: UTF8.self),
                      stderr: String(decoding: output.standardError, as: UTF8.self))
    }

    /// Starts `creditsync arguments…` and returns the running process (output discarded, or
    /// standard error to `log`).
    public static func start(_ arguments: [String], log: URL? = nil) async throws -> RunningProcess {
        try await RunningProcess.start(binary, arguments, log: log)
    }
}
