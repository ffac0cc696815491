import Foundation
public import LedgerCore

/// The inspector's input files (archive, on-site findings, checklist and its answers): read
/// whole, so each is bounded; a larger one is refused before any of it is read.
public enum InspectorFile {
    /// Far above a sample's worth of rows (100,000 records × a few fields).
    public static let maximumBytes = 64 << 20

    public static func read(_ path: String, option: String) throws(InspectionError) -> [UInt8] {
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            data = try handle.read(upToCount: maximumBytes + 1) ?? Data()
        } catch {
            throw InspectionError(.usage, "cannot read \(option) \(path)", hint: "check the file name and its permissions")
        }
        guard data.count <= maximumBytes else {
            throw InspectionError(.archive, "\(option) \(path) is larger than \(maximumBytes) bytes", hint: "give the inspector's CSV for this sample, not an export of the whole archive")
        }
        return Array(data)
    }
}
