/// The kinds of inconsistency an on-site inspection finds (2023-25, line 43: central system vs
/// local system, local system vs local archive, local archive vs reality, and the working
/// mechanisms), as the rules file's `inspection` section names them.
public enum InspectionKinds {
    public static let all = ["central_differs", "archive_differs", "not_in_system", "not_in_archive", "reality_differs", "mechanism"]
}
