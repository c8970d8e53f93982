// swift-tools-version:6.0
import PackageDescription

// Dependencies point one way: dagrun -> Watcher -> Engine -> Hashing -> Basics.
// Each C target sits below the one module that wraps it.
let package = Package(
    name: "dagrun",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dagrun", targets: ["dagrun"]),
    ],
    targets: [
        // MARK: C libraries from Debian and small C shims of our own

        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .target(name: "CSHA256"),
        .target(name: "CSystem"),

        // MARK: Swift modules

        .target(name: "Basics", dependencies: ["CSystem"]),
        .target(name: "Hashing", dependencies: ["Basics", "CSHA256", "CSQLite", "CSystem"]),
        .target(name: "Engine", dependencies: ["Basics", "Hashing", "CYAML"]),
        .target(name: "Watcher", dependencies: ["Basics", "Engine"]),
        .executableTarget(name: "dagrun", dependencies: ["Basics", "Engine", "Watcher"]),

        // MARK: Tests

        .target(name: "TestSupport", dependencies: ["Basics"], path: "Tests/TestSupport"),
        .testTarget(name: "BasicsTests", dependencies: ["Basics", "TestSupport"]),
        .testTarget(name: "HashingTests", dependencies: ["Hashing", "TestSupport"]),
        .testTarget(name: "EngineTests", dependencies: ["Engine", "TestSupport"]),
        .testTarget(name: "WatcherTests", dependencies: ["Watcher", "TestSupport"]),
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport"]),
    ]
)
