/// One `Name: value` line of an AMI packet, as received.
///
/// The name keeps the case it was sent with (for display); lookups compare names
/// case-insensitively, because Asterisk does (`action: Login` is valid).
public struct AMIHeader: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// True when `other` names the same header, ignoring ASCII case.
    public func hasName(_ other: String) -> Bool {
        AMIHeader.namesEqual(name, other)
    }

    public var description: String { "\(name): \(value)" }

    /// ASCII case-insensitive comparison without allocating lowercased copies: header
    /// lookups sit on the hot path of event processing.
    public static func namesEqual(_ a: String, _ b: String) -> Bool {
        // Names of different lengths (most pairs) differ without a byte read; native
        // strings compare over their bytes in place.
        guard a.utf8.count == b.utf8.count else { return false }
        if let equal = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y in
                for index in 0..<x.count where x[index] != y[index] && asciiLower(x[index]) != asciiLower(y[index]) {
                    return false
                }
                return true
            }
        }), let equal {
            return equal
        }
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil):
                return true
            case let (x?, y?):
                if x == y { continue }
                if asciiLower(x) != asciiLower(y) { return false }
            default:
                return false
            }
        }
    }

    @inline(__always)
    static func asciiLower(_ byte: UInt8) -> UInt8 {
        (byte >= 65 && byte <= 90) ? byte | 0x20 : byte
    }
}
