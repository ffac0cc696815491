public import Foundation
import LedgerCore

/// Test vectors from independent implementations, copied verbatim from `shared/testvectors/`
/// into `Tests/Vectors/` so a clean clone carries them.
public enum Vectors {
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Vectors")

    public static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw VectorError("\(name) is not a JSON object")
        }
        return object
    }

    /// A file's raw bytes.
    public static func data(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    public static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: data)
    }
}

public struct VectorError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

extension Array where Element == UInt8 {
    /// Hex that a vector file guarantees is well-formed.
    public init(vectorHex: String) {
        self = [UInt8](hex: vectorHex)!
    }
}
