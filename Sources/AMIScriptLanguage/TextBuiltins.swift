/// Built-ins over text, lists and maps: substr, index, format, values, sort, reverse,
/// slice, strftime. Positions count characters (Unicode scalars, as Tcl does: see
/// ScalarText), from 0; a negative start counts from the end.
enum TextBuiltins {
    static func call(_ name: String, _ arguments: [Value], at location: SourceLocation) throws -> Value {
        switch name {
        case "substr":
            let text = arguments[0].description
            let count = ScalarText.count(text)
            let start = try clampedStart(arguments[1], count: count, name: "substr", at: location)
            var end = count
            if arguments.count == 3 {
                let length = try whole(arguments[2], name: "substr", what: "length", at: location)
                guard length >= 0 else { throw ScriptError(location, "substr(): the length cannot be negative (\(length))") }
                end = min(count, start + length)
            }
            return .string(ScalarText.slice(text, start, max(start, end)))
        case "index":
            return .number(Double(ScalarText.position(of: arguments[1].description, in: arguments[0].description) ?? -1))
        case "format":
            return .string(try Formatter.format(arguments[0].description, Array(arguments.dropFirst()), at: location))
        case "values":
            guard case .map(let map) = arguments[0] else {
                throw ScriptError(location, "values() wants a map, not a \(arguments[0].typeName)")
            }
            return .list(map.entries.map(\.value))
        case "reverse":
            switch arguments[0] {
            case .list(let items): return .list(items.reversed())
            case .string(let text): return .string(String(String.UnicodeScalarView(text.unicodeScalars.reversed())))
            case let other: throw ScriptError(location, "reverse() wants a list or a string, not a \(other.typeName)")
            }
        case "slice":
            guard case .list(let items) = arguments[0] else {
                throw ScriptError(location, "slice() wants a list first, not a \(arguments[0].typeName)")
            }
            let start = try clampedStart(arguments[1], count: items.count, name: "slice", at: location)
            var end = items.count
            if arguments.count == 3 {
                let given = try whole(arguments[2], name: "slice", what: "end", at: location)
                end = given < 0 ? max(0, items.count + given) : min(items.count, given)
            }
            return .list(start < end ? Array(items[start..<end]) : [])
        case "sort":
            return try sorted(arguments, at: location)
        case "strftime":
            return .string(try strftime(arguments, at: location))
        default:
            throw ScriptError(location, "no function or proc named '\(name)'")
        }
    }

    static func whole(_ value: Value, name: String, what: String, at location: SourceLocation) throws -> Int {
        guard let number = value.number, number == number.rounded(), abs(number) < 1e15 else {
            throw ScriptError(location, "\(name)(): the \(what) is a whole number, not '\(value)'")
        }
        return Int(number)
    }

    /// A start position: negative counts from the end; past either end, clamped.
    private static func clampedStart(_ value: Value, count: Int, name: String, at location: SourceLocation) throws -> Int {
        let start = try whole(value, name: name, what: "start", at: location)
        return start < 0 ? max(0, count + start) : min(count, start)
    }

    /// `sort(list[, how])`: numbers (and text that reads as a number) numerically and
    /// before other values, which go by text; `how` holds the words "desc" and "text".
    private static func sorted(_ arguments: [Value], at location: SourceLocation) throws -> Value {
        guard case .list(let items) = arguments[0] else {
            throw ScriptError(location, "sort() wants a list first, not a \(arguments[0].typeName)")
        }
        var descending = false
        var asText = false
        if arguments.count == 2 {
            for word in arguments[1].description.split(separator: " ") {
                switch word {
                case "desc": descending = true
                case "text": asText = true
                default: throw ScriptError(location, "sort(): '\(word)' is not a way to sort (the words are desc and text)")
                }
            }
        }
        func before(_ a: Value, _ b: Value) -> Bool {
            if !asText {
                switch (a.number, b.number) {
                case let (x?, y?) where x != y: return x < y
                case (_?, nil): return true
                case (nil, _?): return false
                default: break
                }
            }
            return a.description.unicodeScalars.lexicographicallyPrecedes(b.description.unicodeScalars)
        }
        // Stable: equal values keep their order, also when descending.
        let ordered = items.enumerated().sorted { left, right in
            if before(left.element, right.element) { return !descending }
            if before(right.element, left.element) { return descending }
            return left.offset < right.offset
        }
        return .list(ordered.map(\.element))
    }

    /// C's strftime on the local time (TZ applies) of `seconds` (default: now).
    private static func strftime(_ arguments: [Value], at location: SourceLocation) throws -> String {
        var seconds = time_t(time(nil))
        if arguments.count == 2 {
            guard let given = arguments[1].number, given.isFinite, abs(given) < 1e15 else {
                throw ScriptError(location, "strftime(): seconds is a number, not '\(arguments[1])'")
            }
            seconds = time_t(given.rounded(.down))
        }
        let format = arguments[0].description
        guard !format.isEmpty else { return "" }
        tzset()
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else {
            throw ScriptError(location, "strftime(): \(arguments.count == 2 ? "'\(arguments[1])'" : "now") is out of range")
        }
        var size = 256
        while size <= 1 << 20 {
            var buffer = [CChar](repeating: 0, count: size)
            let written = buffer.withUnsafeMutableBufferPointer { Glibc.strftime($0.baseAddress, size, format, &parts) }
            if written > 0 { return String(decoding: buffer[..<written].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
            size *= 4
        }
        return ""  // a format whose whole result is empty (`%p` in some locales)
    }
}

/// `format(fmt, args...)`: printf-style conversions, written out here (Foundation's
/// `String(format:)` would bring Foundation into the language module).
enum Formatter {
    static func format(_ template: String, _ arguments: [Value], at location: SourceLocation) throws -> String {
        var output = ""
        var used = 0
        var characters = template.makeIterator()
        func next(for spec: String) throws -> Value {
            guard used < arguments.count else {
                throw ScriptError(location, "format(): '\(spec)' has no value (\(arguments.count) given)")
            }
            used += 1
            return arguments[used - 1]
        }
        while let character = characters.next() {
            guard character == "%" else {
                output.append(character)
                continue
            }
            var spec = "%"
            var leftAlign = false
            var zeroPad = false
            /// `+` or ` `: what a number that is not negative starts with.
            var positiveSign = ""
            var width = 0
            var precision: Int?
            var conversion: Character?
            while let c = characters.next() {
                spec.append(c)
                if c == "-" && width == 0 && precision == nil {
                    leftAlign = true
                } else if c == "0" && width == 0 && precision == nil {
                    zeroPad = true
                } else if c == "+" && width == 0 && precision == nil {
                    positiveSign = "+"
                } else if c == " " && width == 0 && precision == nil {
                    if positiveSign.isEmpty { positiveSign = " " }
                } else if let digit = c.wholeNumberValue, c.isASCII {
                    if precision != nil { precision = precision! * 10 + digit } else { width = width * 10 + digit }
                    guard width <= 10_000, precision ?? 0 <= 10_000 else {
                        throw ScriptError(location, "format(): a width or precision above 10000 in '\(spec)'")
                    }
                } else if c == "." && precision == nil {
                    precision = 0
                } else {
                    conversion = c
                    break
                }
            }
            guard let conversion else { throw ScriptError(location, "format(): '\(spec)' ends the format unfinished") }
            var body: String
            var numeric = true
            switch conversion {
            case "%":
                output.append("%")
                continue
            case "s":
                numeric = false
                body = try next(for: spec).description
                if let precision { body = String(String.UnicodeScalarView(body.unicodeScalars.prefix(precision))) }
            case "d", "i", "x", "o", "X":
                let value = try next(for: spec)
                guard let number = value.number else {
                    throw ScriptError(location, "format(): '\(spec)' wants a number, not '\(value)'")
                }
                guard number.isFinite, abs(number) < 9.2e18 else {
                    throw ScriptError(location, "format(): \(Value.format(number)) is out of the range of '\(spec)' (whole numbers up to 9.2e18)")
                }
                let integer = Int64(number.rounded(.towardZero))
                let magnitude = integer.magnitude
                switch conversion {
                case "x": body = String(magnitude, radix: 16)
                case "X": body = String(magnitude, radix: 16, uppercase: true)
                case "o": body = String(magnitude, radix: 8)
                default: body = String(magnitude)
                }
                // C: the precision of an integer is its least number of digits.
                if let precision, body.count < precision { body = String(repeating: "0", count: precision - body.count) + body }
                if precision != nil { zeroPad = false }
                if integer < 0 { body = "-" + body } else if conversion == "d" || conversion == "i" { body = positiveSign + body }
            case "f", "e", "g", "E", "G":
                let value = try next(for: spec)
                guard let number = value.number else {
                    throw ScriptError(location, "format(): '\(spec)' wants a number, not '\(value)'")
                }
                body = cFormat(number, conversion: conversion, precision: precision ?? 6)
                if !body.hasPrefix("-") { body = positiveSign + body }
            default:
                throw ScriptError(location, "format(): '\(spec)' is not a conversion (use %s %d %i %f %e %g %x %X %o or %%, with the flags - 0 + and blank)")
            }
            let padding = max(0, width - ScalarText.count(body))
            if leftAlign {
                body += String(repeating: " ", count: padding)
            } else if zeroPad && numeric {
                let sign = body.first.map { "-+ ".contains($0) } == true ? String(body.first!) : ""
                body = sign + String(repeating: "0", count: padding) + body.dropFirst(sign.count)
            } else {
                body = String(repeating: " ", count: padding) + body
            }
            output += body
        }
        if used < arguments.count {
            throw ScriptError(location, "format(): \(arguments.count) value\(arguments.count == 1 ? "" : "s") given, the format uses \(used)")
        }
        return output
    }

    /// One floating-point conversion by C's snprintf (exact rounding, inf and nan as C).
    private static func cFormat(_ number: Double, conversion: Character, precision: Int) -> String {
        let spec = "%.\(min(precision, 60))\(conversion)"
        var buffer = [CChar](repeating: 0, count: 400)
        let count = withVaList([number]) { list in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, spec, list) }
        }
        return String(decoding: buffer[..<max(0, min(Int(count), buffer.count - 1))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
