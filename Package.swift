// swift-tools-version: 6.0
// Versions are pinned exactly to the package copies this project's machines serve
// (see the env skill's machine page); a version outside that set does not resolve.
import PackageDescription

/// The hot path (decoding, the inbox, expect) checks exclusive access dynamically by
/// default; these targets keep their accesses simple and turn the checks off in release
/// builds, for expect throughput (docs/performance.md has the measure).
let hotPathSettings: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

/// The shipped binaries bind their symbols at start-up, so the whole GOT is read-only
/// (Debian's hardening: relro + bindnow). Release builds of them are made with
/// `--static-swift-stdlib` (the Makefile, the quick start and the benchmark all pass it):
/// an Asterisk host has no Swift toolchain. (`-static-stdlib` here instead of that flag
/// leaves Foundation's static archives out of order: undefined references.)
/// For start-up time and memory (docs/performance.md): lld packs the 67,000 relative
/// relocations of a position-independent binary into RELR (1.5 MB of RELA read at every
/// start become 13 KB; glibc ≥ 2.36), and `--no-export-dynamic` undoes the runtime's
/// export of every symbol (22,000 dynamic symbols the loader and dladdr walk; none is
/// looked up by name).
let shippedBinarySettings: [LinkerSetting] = [
    .unsafeFlags([
        "-use-ld=lld",
        "-Xlinker", "-z", "-Xlinker", "now",
        "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
        "-Xlinker", "--no-export-dynamic",
    ], .when(configuration: .release)),
]

/// amiscript's everyday functions side by side at the start of its code (link/amiscript.order,
/// written by scripts/update-link-order.py): a short script touches a few hundred KiB of
/// code instead of pages spread over 16 MB (docs/performance.md: page faults, resident set).
let amiscriptLinkerSettings: [LinkerSetting] = shippedBinarySettings + [
    .unsafeFlags([
        "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/link/amiscript.order",
        "-Xlinker", "--no-warn-symbol-ordering",
    ], .when(configuration: .release)),
]

let package = Package(
    name: "amiscript",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "amiscript", targets: ["amiscript"]),
        .executable(name: "amisim", targets: ["amisim"]),
        .library(name: "AMIProtocol", targets: ["AMIProtocol"]),
        .library(name: "AMIClient", targets: ["AMIClient"]),
        .library(name: "AMISimulator", targets: ["AMISimulator"]),
        // For the fuzz package (fuzz/Package.swift), which depends on this one by path.
        .library(name: "AMIScriptLanguage", targets: ["AMIScriptLanguage"]),
        .library(name: "ExpectConversion", targets: ["ExpectConversion"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
    ],
    targets: [
        // The decoder's inner loop: a packet's lines scanned 16 bytes at a time (SSE2).
        .target(name: "CAMIScan"),
        // AMI framing and packets: bytes in, packets out. No sockets, no language.
        .target(
            name: "AMIProtocol",
            dependencies: [
                "CAMIScan",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: hotPathSettings
        ),
        // A connection to a manager over SwiftNIO: banner, actions, responses, events, login.
        .target(
            name: "AMIClient",
            dependencies: [
                "AMIProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: hotPathSettings
        ),
        // A manager server that answers like Asterisk, for tests, benchmarks and users.
        .target(
            name: "AMISimulator",
            dependencies: [
                "AMIProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // PCRE2 from Debian's libpcre2-dev: expect's regexes.
        .systemLibrary(name: "CPCRE2", pkgConfig: "libpcre2-8", providers: [.apt(["libpcre2-dev"])]),
        // The language: lexer, parser, interpreter behind a session protocol. No sockets.
        .target(
            name: "AMIScriptLanguage",
            dependencies: [
                "CPCRE2",
                "AMIProtocol",
            ],
            swiftSettings: hotPathSettings
        ),
        // The language's session over a real connection.
        .target(
            name: "AMIScriptSession",
            dependencies: [
                "AMIScriptLanguage",
                "AMIClient",
                "AMIProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: hotPathSettings
        ),
        // libedit from Debian's libedit-dev: the REPL's line editor.
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // The interactive REPL: libedit line editing, raw packets, action shorthand, events.
        .target(
            name: "AMIScriptREPL",
            dependencies: [
                "CEditLine",
                "CommandLineSupport",
                "AMIScriptLanguage",
                "AMIProtocol",
            ]
        ),
        // `amiscript convert`: Tcl/Expect read and written out as amiscript (no I/O).
        .target(name: "ExpectConversion", dependencies: ["AMIScriptLanguage"]),
        // What both command lines need: unbuffered standard streams, file reading.
        .target(name: "CommandLineSupport"),
        // The Swift runtime's global-executor hook, reachable in a static link (dlsym cannot see it).
        .target(name: "CSwiftConcurrencyHook"),
        // NIO's event loop as the executor of every task: one thread for the script and its socket.
        .target(
            name: "NIOGlobalExecutor",
            dependencies: [
                "CSwiftConcurrencyHook",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .executableTarget(
            name: "amisim",
            dependencies: [
                "AMISimulator",
                "CommandLineSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            linkerSettings: shippedBinarySettings
        ),
        // The in-process decoder benchmark (workload 5 of bench/run.py).
        .executableTarget(
            name: "amibench",
            dependencies: [
                "AMIProtocol", "AMIClient", "AMISimulator", "NIOGlobalExecutor",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "bench/amibench"
        ),
        .executableTarget(
            name: "amiscript",
            dependencies: [
                "AMIScriptLanguage",
                "AMIScriptSession",
                "AMIScriptREPL",
                "AMIClient",
                "CommandLineSupport",
                "NIOGlobalExecutor",
                "ExpectConversion",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                "AMISimulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: amiscriptLinkerSettings
        ),
        .target(name: "AMITestSupport", path: "Tests/AMITestSupport"),
        .testTarget(name: "ExpectConversionTests", dependencies: ["ExpectConversion"]),
        .testTarget(
            name: "AMIProtocolTests",
            dependencies: [
                "AMIProtocol",
                "CAMIScan",
                "AMITestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AMISimulatorTests",
            dependencies: [
                "AMISimulator", "AMIProtocol", "AMIClient", "AMITestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AMIClientTests",
            dependencies: [
                "AMIClient", "AMISimulator", "AMIProtocol", "AMITestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "AMIScriptLanguageTests",
            dependencies: ["AMIScriptLanguage", "AMIProtocol", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "AMIScriptSessionTests",
            dependencies: [
                "AMIScriptSession", "AMIScriptLanguage", "AMIClient", "AMIProtocol",
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Runs the built executables; depends on them so `swift test` builds them first.
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["AMITestSupport", "amisim", "amiscript"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
