// swift-tools-version:5.4
// The fuzz targets (libFuzzer), a package of their own beside the project's, as
// swift-protobuf's FuzzTesting is: built only by scripts/fuzz.sh, with
// `-sanitize=fuzzer,address -parse-as-library`, never by the ordinary `swift build`.
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's `main` to
// `<Target>_main` (so tests can link it), and libFuzzer brings its own `main`.
// docs/fuzzing.md says how to run them.
import PackageDescription

let package = Package(
    name: "amiscript-fuzz",
    platforms: [.macOS(.v10_15)],
    dependencies: [
        .package(name: "amiscript", path: ".."),
        // The same copy the parent package pins (NIOCore's ByteBuffer feeds the decoder).
        .package(url: "https://github.com/apple/swift-nio.git", .exact("2.101.3")),
    ],
    targets: [
        // Lexer + parser (and the diagnostics as --check prints them), then StaticChecks.
        .executableTarget(
            name: "FuzzParser",
            dependencies: [.product(name: "AMIScriptLanguage", package: "amiscript")]
        ),
        // AMIDecoder fed the same stream at once, in random splits and a byte at a time.
        .executableTarget(
            name: "FuzzDecoder",
            dependencies: [
                .product(name: "AMIProtocol", package: "amiscript"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // expect's incremental matching against a whole-buffer scan of the same text.
        .executableTarget(
            name: "FuzzExpect",
            dependencies: [
                .product(name: "AMIScriptLanguage", package: "amiscript"),
                .product(name: "AMIProtocol", package: "amiscript"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // amiscript convert: Tcl in, amiscript out that amiscript accepts.
        .executableTarget(
            name: "FuzzConvert",
            dependencies: [
                .product(name: "ExpectConversion", package: "amiscript"),
                .product(name: "AMIScriptLanguage", package: "amiscript"),
            ]
        ),
    ]
)
