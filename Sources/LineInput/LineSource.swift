/// A named line input of a command (`hq register import`, `hq risk import`): the name its
/// rejections are reported under (a file's path, or `-` for standard input) and the path read.
public struct LineSource: Sendable {
    public var name: String
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// An unusable line of a `LineSource`, reported as `FILE:LINE: reason [code]`; the other lines
/// are still read.
public struct LineRejection: Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var code: String
    public var reason: String

    public init(source: String, line: Int, code: String, reason: String) {
        self.source = source
        self.line = line
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(source):\(line): \(reason) [\(code)]" }
}
