public import Foundation
import Subprocess
import Synchronization
import SystemPackage

/// Child processes for the tests and the benches, over swift-subprocess (Foundation's
/// `Process.run` reads past a `dirent` on Linux and crashes the test bundle now and then:
/// swift-corelibs-foundation pull request 5472).
public enum ChildProcess {
    /// How a child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case signalled(Int32)

        init(_ status: TerminationStatus) {
            switch status {
            case .exited(let code): self = .exited(code)
            case .signaled(let signal): self = .signalled(signal)
            }
        }

        /// The exit code, or 128 + the signal as a shell reports it.
        public var code: Int32 {
            switch self {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    /// What a finished child printed.
    public struct Output: Sendable {
        public var termination: Termination
        public var standardOutput: Data
        public var standardError: Data
    }

    /// Output beyond this is an error rather than memory without bound.
    public static let outputLimit = 256 << 20

    /// Runs `executable` to its end, feeding it `input` (or nothing) and collecting both outputs;
    /// with `combined`, standard error goes into standard output as a terminal shows them.
    public static func run(_ executable: String, _ arguments: [String], input: Data? = nil,
                           environment: [String: String]? = nil, combined: Bool = false) async throws -> Output {
        let configuration = Configuration(executable: .path(FilePath(executable)), arguments: Arguments(arguments), environment: environment.map(Self.environment) ?? .inherit)
        // Each combination of input and error is its own generic instance.
        switch (input, combined) {
        case (let input?, false):
            let result = try await Subprocess.run(configuration, input: .data(input), output: .data(limit: outputLimit), error: .data(limit: outputLimit))
            return Output(termination: Termination(result.terminationStatus), standardOutput: result.standardOutput, standardError: result.standardError)
        case (let input?, true):
            let result = try await Subprocess.run(configuration, input: .data(input), output: .data(limit: outputLimit), error: .combinedWithOutput)
            return Output(termination: Termination(result.terminationStatus), standardOutput: result.standardOutput, standardError: Data())
        case (nil, false):
            let result = try await Subprocess.run(configuration, input: .none, output: .data(limit: outputLimit), error: .data(limit: outputLimit))
            return Output(termination: Termination(result.terminationStatus), standardOutput: result.standardOutput, standardError: result.standardError)
        case (nil, true):
            let result = try await Subprocess.run(configuration, input: .none, output: .data(limit: outputLimit), error: .combinedWithOutput)
            return Output(termination: Termination(result.terminationStatus), standardOutput: result.standardOutput, standardError: Data())
        }
    }

    static func environment(_ values: [String: String]) -> Environment {
        .custom(Dictionary(uniqueKeysWithValues: values.compactMap { key, value in Environment.Key(rawValue: key).map { ($0, value) } }))
    }
}

/// A child that runs alongside the caller (a server, a writer to be killed mid-way). Its input
/// and standard output are discarded; its standard error goes to `log` when given.
public final class RunningProcess: Sendable {
    /// The child's process id.
    public let pid: Int32
    private let finished: Task<ChildProcess.Termination, any Error>
    private let state: Box

    private init(pid: Int32, finished: Task<ChildProcess.Termination, any Error>, state: Box) {
        self.pid = pid
        self.finished = finished
        self.state = state
    }

    /// Starts `executable`; returns once it has been spawned.
    public static func start(_ executable: String, _ arguments: [String], log: URL? = nil) async throws -> RunningProcess {
        let configuration = Configuration(executable: .path(FilePath(executable)), arguments: Arguments(arguments))
        let errorDescriptor = try log.map { try FileDescriptor.open(FilePath($0.path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite, .groupRead, .otherRead]) }
        let (spawned, announce) = AsyncStream<Int32>.makeStream()
        let state = Box()
        let finished = Task {
            defer { announce.finish() }
            let status: TerminationStatus
            if let errorDescriptor {
                status = try await Subprocess.run(configuration, input: .none, output: .discarded,
                                                  error: .fileDescriptor(errorDescriptor, closeAfterSpawningProcess: true)) { execution in
                    announce.yield(execution.processIdentifier.value)
                }.terminationStatus
            } else {
                status = try await Subprocess.run(configuration, input: .none, output: .discarded, error: .discarded) { execution in
                    announce.yield(execution.processIdentifier.value)
                }.terminationStatus
            }
            state.running.store(false, ordering: .releasing)
            return ChildProcess.Termination(status)
        }
        var iterator = spawned.makeAsyncIterator()
        guard let pid = await iterator.next() else {
            _ = try await finished.value
            throw SpawnError(description: "\(executable) did not start")
        }
        return RunningProcess(pid: pid, finished: finished, state: state)
    }

    /// Whether the child has not been seen to end yet.
    public var isRunning: Bool { state.running.load(ordering: .acquiring) }

    /// Sends `signal` (SIGTERM by default) to the child.
    public func signal(_ signal: Int32 = SIGTERM) {
        if isRunning { _ = kill(pid, signal) }
    }

    /// Waits for the child to end.
    @discardableResult
    public func wait() async throws -> ChildProcess.Termination {
        try await finished.value
    }

    /// Sends SIGTERM and waits.
    @discardableResult
    public func stop() async throws -> ChildProcess.Termination {
        signal(SIGTERM)
        return try await wait()
    }

    private final class Box: Sendable {
        let running = Atomic<Bool>(true)
    }
}

public struct SpawnError: Error, CustomStringConvertible {
    public var description: String
}
