// swift-tools-version:6.1
import PackageDescription

// libFuzzer targets over the parsers that take bytes from the network or from files: the
// add-checkpoint body, the upload decoder, feed deliveries, signed notes and the canonicalizer. A package of its
// own so its flags never touch the main build. Run as README.md here says.
let swiftSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "creditsync-fuzz",
    dependencies: [.package(name: "creditsync", path: "..")],
    targets: [
        .executableTarget(name: "FuzzAddCheckpoint", dependencies: [.product(name: "SyncProtocol", package: "creditsync"),
                                                                    .product(name: "LedgerCore", package: "creditsync")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzUploadDecoder", dependencies: [.product(name: "SyncProtocol", package: "creditsync"),
                                                                    .product(name: "Mirroring", package: "creditsync"),
                                                                    .product(name: "LedgerCore", package: "creditsync")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzSignedNote", dependencies: [.product(name: "LedgerCore", package: "creditsync")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzFeedDelivery", dependencies: [.product(name: "SyncProtocol", package: "creditsync"),
                                                                   .product(name: "Mirroring", package: "creditsync"),
                                                                   .product(name: "LedgerCore", package: "creditsync")], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzCanonicalizer", dependencies: [.product(name: "LedgerCore", package: "creditsync")], swiftSettings: swiftSettings),
    ]
)
