import AMIScriptLanguage
import Foundation
import XCTest

/// json() and parse_json(): the writer's output is checked by an independent reader
/// (Foundation's JSONSerialization), the reader against RFC 8259's edge cases.
final class JSONTests: XCTestCase {
    func testWriterOutputIsReadBackByFoundation() throws {
        let values: [Value] = [
            .string("plain"), .string("quote \" backslash \\ slash /"), .string("\u{01}\u{1F}\u{7F}\n\r\t\u{08}\u{0C}"),
            .string("é ✓ 😀"), .number(0), .number(-0.5), .number(1e300), .number(123_456_789_012), .bool(true), .none,
            .list([]), .list([.number(1), .list([.string("x")])]),
            .map(OrderedMap([("Response", .string("Success")), ("Items", .list([.map(OrderedMap([("a", .none)]))]))])),
        ]
        for value in values {
            let text = JSONWriter.string(value)
            XCTAssertFalse(text.contains("\n"), "one line: \(text)")
            let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
            XCTAssertTrue(foundationRead(object, as: value), "\(text) read by Foundation: \(object)")
            XCTAssertEqual(try JSONReader.parse(text), value, text)
        }
    }

    /// Whether what Foundation read from a value's JSON is that value.
    private func foundationRead(_ object: Any, as value: Value) -> Bool {
        switch value {
        case .string(let text): return object as? String == text
        case .number(let number): return (object as? NSNumber)?.doubleValue == number
        case .bool(let flag): return (object as? NSNumber)?.boolValue == flag
        case .none: return object is NSNull
        case .list(let items):
            guard let array = object as? [Any], array.count == items.count else { return false }
            return zip(array, items).allSatisfy { foundationRead($0, as: $1) }
        case .map(let map):
            guard let dictionary = object as? [String: Any], dictionary.count == map.entries.count else { return false }
            return map.entries.allSatisfy { entry in dictionary[entry.key].map { foundationRead($0, as: entry.value) } ?? false }
        }
    }

    func testMapsKeepTheirOrder() throws {
        let text = #"{"z":1,"a":2,"m":{"y":[],"b":null}}"#
        XCTAssertEqual(JSONWriter.string(try JSONReader.parse(text)), text)
    }

    func testNonFiniteNumbersBecomeNull() {
        XCTAssertEqual(JSONWriter.string(.list([.number(.infinity), .number(.nan)])), "[null,null]")
    }

    func testEscapesAndSurrogatePairs() throws {
        XCTAssertEqual(try JSONReader.parse(#""\u00e9\ud83d\ude00\/\b\f\n\r\t\"\\""#), .string("é😀/\u{08}\u{0C}\n\r\t\"\\"))
    }

    func testNumbers() throws {
        XCTAssertEqual(try JSONReader.parse("-0.25e2"), .number(-25))
        XCTAssertEqual(try JSONReader.parse("1E+2"), .number(100))
        XCTAssertEqual(try JSONReader.parse("0"), .number(0))
    }

    func testInvalidJSONIsRefusedWithItsPosition() {
        let cases: [(String, Int, Int, String)] = [
            ("", 1, 1, "unexpected end of the text"),
            ("[1,]", 1, 4, "unexpected ']'"),
            ("{\"a\":1,}", 1, 8, "wanted a key"),
            ("{'a':1}", 1, 2, "wanted a key"),
            ("01", 1, 2, "does not start with 0"),
            ("+1", 1, 1, "unexpected '+'"),
            (".5", 1, 1, "unexpected '.'"),
            ("1.", 1, 3, "digits after the decimal point"),
            ("1e", 1, 3, "digits in the exponent"),
            ("NaN", 1, 1, "unexpected 'N'"),
            ("tru", 1, 1, "unexpected 't'"),
            ("\"a\tb\"", 1, 3, "control character"),
            ("\"\\x\"", 1, 2, "unknown escape"),
            ("\"\\ud800\"", 1, 8, "lone surrogate"),
            ("\"\\udc00x\"", 1, 8, "lone surrogate"),
            ("\"\\u12g4\"", 1, 6, "four hex digits"),
            ("\"open", 1, 6, "inside a string"),
            ("[1]\n x", 2, 2, "after the value"),
            ("[\n\"é\", é]", 2, 6, "unexpected 'é'"),
        ]
        for (text, line, column, message) in cases {
            XCTAssertThrowsError(try JSONReader.parse(text), text) { error in
                guard let failure = error as? JSONReader.Failure else { return XCTFail("\(error)") }
                XCTAssertEqual(failure.line, line, "\(text): \(failure)")
                XCTAssertEqual(failure.column, column, "\(text): \(failure)")
                XCTAssertTrue(failure.message.contains(message), "\(text): \(failure)")
            }
        }
    }

    func testDeepNestingIsRefusedNotRecursedIntoACrash() {
        let deep = String(repeating: "[", count: 100_000)
        XCTAssertThrowsError(try JSONReader.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nested deeper than \(JSONReader.maximumDepth)"), "\(error)")
        }
        let fine = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        XCTAssertNoThrow(try JSONReader.parse(fine))
    }
}
