#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds packets the way Asterisk's manager writes them (`astman_send_response`,
/// `manager_event`): fixed header order, CR LF, an empty line at the end.
struct WirePacket {
    private(set) var text = ""

    static func response(_ status: String, actionID: String?, message: String? = nil) -> WirePacket {
        var packet = WirePacket()
        packet.add("Response", status)
        if let actionID, !actionID.isEmpty { packet.add("ActionID", actionID) }
        if let message { packet.add("Message", message) }
        return packet
    }

    static func event(_ name: String, privilege: Privilege?) -> WirePacket {
        var packet = WirePacket()
        packet.add("Event", name)
        if let privilege { packet.add("Privilege", privilege.headerValue) }
        return packet
    }

    mutating func add(_ name: String, _ value: String) {
        text += name
        text += ": "
        text += value
        text += "\r\n"
    }

    mutating func add(_ fields: [(String, String)]) {
        for (name, value) in fields { add(name, value) }
    }

    /// A header line copied as it came (UserEvent copies the request's lines).
    mutating func addLine(_ line: String) {
        text += line
        text += "\r\n"
    }

    /// The finished packet, with its empty line.
    var finished: String { text + "\r\n" }
}

/// Clock readings in Asterisk's formats. Foundation is avoided on purpose: it costs
/// start-up time, and amiscript embeds the simulator.
enum WireClock {
    struct Reading {
        var seconds: Int
        var microseconds: Int
    }

    static func now() -> Reading {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Reading(seconds: Int(spec.tv_sec), microseconds: Int(spec.tv_nsec) / 1000)
    }

    /// `1795975531.939086` (Ping's Timestamp).
    static func timestamp(_ reading: Reading = now()) -> String {
        "\(reading.seconds).\(pad(reading.microseconds, 6))"
    }

    /// `2026-11-29T18:05:27.125+0000` (security events' EventTV).
    static func eventTV(_ reading: Reading = now()) -> String {
        let parts = utc(reading.seconds)
        return "\(date(parts))T\(time(parts)).\(pad(reading.microseconds / 1000, 3))+0000"
    }

    /// `2026-11-29` and `18:04:51` (CoreStatus).
    static func dateAndTime(_ seconds: Int) -> (String, String) {
        let parts = utc(seconds)
        return (date(parts), time(parts))
    }

    private static func utc(_ seconds: Int) -> tm {
        var value = time_t(seconds)
        var parts = tm()
        gmtime_r(&value, &parts)
        return parts
    }

    private static func date(_ parts: tm) -> String {
        "\(parts.tm_year + 1900)-\(pad(Int(parts.tm_mon) + 1, 2))-\(pad(Int(parts.tm_mday), 2))"
    }

    private static func time(_ parts: tm) -> String {
        "\(pad(Int(parts.tm_hour), 2)):\(pad(Int(parts.tm_min), 2)):\(pad(Int(parts.tm_sec), 2))"
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }

    /// `1 minute, 5 seconds` (the CLI's uptime wording).
    static func duration(_ total: Int) -> String {
        var rest = max(0, total)
        var parts: [String] = []
        let units: [(Int, String)] = [(31_536_000, "year"), (604_800, "week"), (86_400, "day"), (3600, "hour"), (60, "minute")]
        for (size, name) in units where rest >= size {
            let count = rest / size
            rest %= size
            parts.append("\(count) \(name)\(count == 1 ? "" : "s")")
        }
        if rest > 0 || parts.isEmpty { parts.append("\(rest) second\(rest == 1 ? "" : "s")") }
        return parts.joined(separator: ", ")
    }
}
