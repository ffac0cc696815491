public import Foundation
public import HQNode
public import HQStorage
import LedgerCore

/// HQ's storage and keys opened from where they live: the composition the CLI, the demo, the
/// tests' fixtures and the benches share.
extension HQData {
    /// Creates HQ's storage and keys (`hq init`). Keys default to the data directory; a database
    /// needs a directory of its own.
    public static func initialize(_ location: StorageLocation, keys keyDirectory: URL? = nil, name: String = HQKeys.defaultName) async throws -> HQData {
        guard let keyDirectory = keyDirectory ?? location.defaultKeyDirectory else {
            throw HQError(.configuration, "a database needs --keys DIR for HQ's keys", hint: "HQ's processes all read the same key directory")
        }
        let storage = try await HQStorageDrivers.create(location)
        return try await closing(storage) { try await initialize($0, keys: keyDirectory, name: name) }
    }

    /// Opens HQ's storage and keys; with `serving`, for `hq serve` (embedded storage then refuses
    /// a second serving process).
    public static func open(_ location: StorageLocation, keys keyDirectory: URL? = nil, serving: Bool = false) async throws -> HQData {
        guard let keyDirectory = keyDirectory ?? location.defaultKeyDirectory else {
            throw HQError(.configuration, "a database needs --keys DIR for HQ's keys", hint: "the directory `hq init --database` wrote cosigner.key to")
        }
        let storage = try await HQStorageDrivers.open(location)
        return try await closing(storage) { storage in
            if serving { try storage.lockForServing() }
            return try await open(storage, keys: keyDirectory)
        }
    }

    /// Opens the storage and keys `hq serve` is configured with.
    public static func openForServing(_ configuration: HQConfiguration) async throws -> HQData {
        try await open(try configuration.location, keys: configuration.keyDirectory.map { URL(fileURLWithPath: $0) }, serving: true)
    }

    /// `body`'s result; closes `storage` if it throws.
    private static func closing(_ storage: any HQStorage, _ body: (any HQStorage) async throws -> HQData) async throws -> HQData {
        do {
            return try await body(storage)
        } catch {
            try? await storage.close()
            throw error
        }
    }
}
