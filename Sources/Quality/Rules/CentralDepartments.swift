public import Foundation
public import LedgerCore

/// The central departments whose information HQ pushes down (`ops/rules/central-departments.json`):
/// per department code its name, the kinds of information it sends and the 严重失信主体名单 lists
/// it keeps. `hq risk import` checks every central record against it.
public struct CentralDepartments: Sendable {
    public struct Department: Sendable, Equatable {
        public let code: String
        public let name: String
        public let kinds: Set<String>
        public let lists: Set<String>
    }

    public let version: String
    public let departments: [String: Department]

    public init(bytes: [UInt8]) throws(QualityError) {
        let root = try ConfigNode(parsing: bytes, code: .invalidRules, file: "central-departments.json")
        _ = try root.members(allowed: ["schema", "version", "description", "departments"])
        guard try root.required("schema").string() == "creditsync.central-departments/1" else {
            throw root.error("schema must be creditsync.central-departments/1", at: "schema")
        }
        version = try root.required("version").nonEmptyString()
        var departments: [String: Department] = [:]
        for (code, node) in try root.required("departments").members() {
            _ = try node.members(allowed: ["zh", "kinds", "lists", "description"])
            guard !code.isEmpty, code.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }) else {
                throw node.error("a department code is upper-case letters and digits")
            }
            departments[code] = Department(code: code, name: try node.required("zh").nonEmptyString(),
                                           kinds: Set(try node.required("kinds").strings()), lists: Set(try node.required("lists").strings()))
        }
        guard !departments.isEmpty else { throw root.error("names no department", at: "departments") }
        self.departments = departments
    }

    /// Why a central record's department, kind and list do not agree with this table, or nil.
    public func problem(code: String?, name: String?, kind: String?, list: String?) -> String? {
        guard let code, !code.isEmpty else { return "fields.source_dept_code is missing or empty" }
        guard let department = departments[code] else {
            return "fields.source_dept_code \"\(code)\" is not a department of central-departments.json (\(departments.keys.sorted().joined(separator: ", ")))"
        }
        if let name, name != department.name { return "fields.source_dept \"\(name)\" is not the name of \(code) (\(department.name))" }
        if let kind, !department.kinds.contains(kind) { return "\(department.name) (\(code)) sends no \(kind) information" }
        if let list, !list.isEmpty, !department.lists.contains(list) { return "\(department.name) (\(code)) keeps no list \"\(list)\"" }
        return nil
    }

    /// The table shipped with this build (identical to `ops/rules/central-departments.json`).
    public static func bundled() throws(QualityError) -> CentralDepartments {
        try CentralDepartments(bytes: try BundledResource.bytes("central-departments", in: "rules"))
    }

    public static func load(contentsOf url: URL) throws(QualityError) -> CentralDepartments {
        try CentralDepartments(bytes: try BundledResource.read(url))
    }
}
