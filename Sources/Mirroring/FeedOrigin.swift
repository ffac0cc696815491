/// `creditsync.samr/hq/feed/<province>`: a feed's origin and its signing key's name.
public enum FeedOrigin {
    public static func of(province: String) -> String { "creditsync.samr/hq/feed/\(province)" }
}
