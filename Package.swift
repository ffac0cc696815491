// swift-tools-version:6.1
import PackageDescription

/// Shared by every target: Swift 6 mode plus the upcoming features the house style asks for.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // Imports are internal unless a file says `public import`: a module's public API names the
    // modules it exposes, and nothing leaks to its clients by accident (as Hummingbird does).
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "creditsync",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "creditsync", targets: ["creditsync"]),
        .executable(name: "creditsync-bench", targets: ["creditsync-bench"]),
        // The pure core, for the fuzz targets in Fuzz/ (a package of its own: libFuzzer builds
        // need their own compiler flags).
        .library(name: "LedgerCore", targets: ["LedgerCore"]),
        .library(name: "SyncProtocol", targets: ["SyncProtocol"]),
        .library(name: "Mirroring", targets: ["Mirroring"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Child processes for tests, benches and the throwaway PostgreSQL launcher (Foundation's
        // Process.run reads past a dirent buffer on Linux and crashes now and then).
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-system.git", from: "1.8.1"),
    ],
    targets: [
        // MARK: System libraries (OpenSSL 3 only for SM2/SM3; zlib for gzip request bodies)
        .systemLibrary(
            name: "CLibCrypto",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: Pure core
        .target(
            name: "LedgerCore",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NationalCrypto",
            dependencies: ["LedgerCore", "CLibCrypto"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Quality",
            dependencies: ["LedgerCore"],
            resources: [.copy("Resources/domain"), .copy("Resources/rules")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reconcile",
            dependencies: ["LedgerCore"],
            swiftSettings: swiftSettings
        ),
        // The pure verdicts of mirroring a log: what HQ does with a checkpoint, a package of
        // entries, a feed delivery. Verified values are made only here.
        .target(
            name: "Mirroring",
            dependencies: ["LedgerCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SyncProtocol",
            dependencies: ["LedgerCore", "Mirroring"],
            swiftSettings: swiftSettings
        ),

        // MARK: Storage and edges
        .target(
            name: "LedgerStore",
            dependencies: [
                "LedgerCore", "Mirroring",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SecretFiles",
            dependencies: ["LedgerCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HQStorage",
            dependencies: ["LedgerCore", "Mirroring"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HQStorageSQLite",
            dependencies: [
                "LedgerCore", "NationalCrypto", "HQStorage", "Mirroring", "LedgerStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HQStoragePostgres",
            dependencies: [
                "LedgerCore", "NationalCrypto", "HQStorage", "Mirroring",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LocalPostgres",
            swiftSettings: swiftSettings
        ),
        // Child processes for tests and benches (swift-subprocess rather than Foundation's Process).
        .target(
            name: "Spawning",
            dependencies: [
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gzip",
            dependencies: ["CZlib"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Reports",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "LineInput",
            dependencies: ["Gzip"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PKI",
            dependencies: [
                "LedgerCore", "SecretFiles",
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Synthetic",
            dependencies: ["LedgerCore", "Quality"],
            swiftSettings: swiftSettings
        ),

        // MARK: Node services
        .target(
            name: "ProvinceNode",
            dependencies: [
                "LedgerCore", "NationalCrypto", "LedgerStore", "Mirroring", "SyncProtocol", "Gzip", "LineInput", "SecretFiles",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HQNode",
            dependencies: [
                "LedgerCore", "NationalCrypto", "SyncProtocol", "Gzip", "PKI", "SecretFiles",
                "HQStorage", "Mirroring", "Quality", "LineInput",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // HQ's offline auditor: register import, the monthly audit, its reports. No server.
        .target(
            name: "HQAudit",
            dependencies: ["LedgerCore", "HQStorage", "Quality", "Reconcile", "Reports", "Gzip", "LineInput"],
            swiftSettings: swiftSettings
        ),
        // The one place a storage location becomes a backend (and HQ's data is composed).
        .target(
            name: "HQStorageDrivers",
            dependencies: ["HQStorage", "HQStorageSQLite", "HQStoragePostgres", "HQNode"],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "Inspection",
            dependencies: ["LedgerCore", "LedgerStore", "HQStorage", "Quality", "Reports", "Gzip", .product(name: "Crypto", package: "swift-crypto")],
            resources: [.copy("Resources/checklist.json")],
            swiftSettings: swiftSettings
        ),

        // MARK: Executables and what only they use
        // The operator commands' shared plumbing: output, `error:`/`hint:` reporting, exit codes.
        .target(
            name: "CommandSupport",
            dependencies: [
                "LedgerCore", "LedgerStore", "HQStorage", "HQAudit", "ProvinceNode", "SyncProtocol", "Quality", "Inspection",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The demo's story, as a library the CLI runs and tests can reuse.
        .target(
            name: "DemoStories",
            dependencies: [
                "LedgerCore", "LedgerStore", "NationalCrypto", "ProvinceNode", "Quality", "Synthetic", "SyncProtocol", "PKI",
                "HQNode", "HQAudit", "HQStorage", "Mirroring", "HQStorageDrivers", "Inspection", "Reports", "Gzip", "LineInput",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The one CLI
        .executableTarget(
            name: "creditsync",
            dependencies: [
                "LedgerCore", "NationalCrypto", "LedgerStore", "Quality", "Synthetic", "PKI", "ProvinceNode",
                "HQNode", "HQAudit", "HQStorage", "HQStorageDrivers", "LineInput", "Inspection", "Reports",
                "CommandSupport", "DemoStories",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The benchmarks, with their raw baselines (GRDB, psql \\copy) and throwaway clusters.
        .executableTarget(
            name: "creditsync-bench",
            dependencies: [
                "LedgerCore", "NationalCrypto", "LedgerStore", "Quality", "Synthetic", "SyncProtocol", "PKI", "ProvinceNode",
                "HQNode", "HQAudit", "HQStorage", "HQStorageDrivers", "LocalPostgres", "LineInput", "CommandSupport", "Spawning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: ["LedgerCore", "LocalPostgres", "SyncProtocol", "Mirroring", "Spawning"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerCoreTests",
            dependencies: ["LedgerCore", "NationalCrypto", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "NationalCryptoTests",
            dependencies: ["NationalCrypto", "LedgerCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "QualityTests",
            dependencies: ["Quality", "Synthetic", "LedgerCore", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LedgerStoreTests",
            dependencies: [
                "LedgerStore", "LedgerCore", "NationalCrypto", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["creditsync", "DemoStories", "LedgerCore", "NationalCrypto", "TestSupport", "Synthetic",
                           .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HQTestSupport",
            dependencies: [
                "HQNode", "HQStorage", "HQStorageDrivers", "LedgerCore", "Mirroring", "SyncProtocol", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Tests/HQTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HQStorageTests",
            dependencies: [
                "HQStorage", "Mirroring", "HQStoragePostgres", "HQNode", "HQAudit", "LedgerCore", "LedgerStore", "LineInput", "LocalPostgres", "NationalCrypto", "SyncProtocol", "TestSupport",
                "HQTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AuditTests",
            dependencies: [
                "creditsync", "HQNode", "HQAudit", "HQStorage", "HQStorageDrivers", "Quality", "Reconcile", "Reports", "Synthetic", "LedgerCore", "LineInput", "Gzip", "TestSupport", "HQTestSupport",
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "InspectionTests",
            dependencies: ["creditsync", "Inspection", "LedgerCore", "LedgerStore", "NationalCrypto", "ProvinceNode", "Quality", "Synthetic", "Gzip",
                           "HQNode", "HQStorage", "HQAudit", "SyncProtocol", "TestSupport", "HQTestSupport"],
            // The independent implementation the sample vectors are checked against (Python).
            exclude: ["Independent/sample.py"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: [
                "HQNode", "HQStorage", "Mirroring", "HQStorageDrivers", "ProvinceNode", "SyncProtocol", "LedgerStore", "LedgerCore", "NationalCrypto",
                "PKI", "Gzip", "LineInput", "TestSupport", "Quality", "Synthetic", "HQAudit", "Inspection",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
