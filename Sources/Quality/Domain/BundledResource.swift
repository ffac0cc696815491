import Foundation
import LedgerCore

/// Reads the files shipped with the Quality module, and operator files named by a URL. The only
/// file I/O in the module: everything else takes bytes.
enum BundledResource {
    static func bytes(_ name: String, in folder: String) throws(QualityError) -> [UInt8] {
        guard let directory = Bundle.module.url(forResource: folder, withExtension: nil) else {
            throw QualityError(.missingResource, "\(folder)/ is not in the Quality module's bundle")
        }
        return try read(directory.appendingPathComponent("\(name).json"))
    }

    static func read(_ url: URL) throws(QualityError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            throw QualityError(.unreadableFile, "cannot read \(url.path): \(error.localizedDescription)")
        }
    }
}
