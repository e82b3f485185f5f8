/// The events of the `flood` fault: realistic packets of about 150 bytes, as many as
/// asked for, then one event carrying `NewMessages:` so a script has something to wait for.
struct EventFlood {
    let options: FloodOptions
    private(set) var sent = 0
    private var sequence = 0

    init(options: FloodOptions) {
        self.options = options
    }

    var isDone: Bool { options.bytes > 0 && sent >= options.bytes }

    /// The next batch of about `size` bytes (the final event included once the total is reached).
    mutating func nextBatch(size: Int) -> String {
        var text = ""
        while text.utf8.count < size, !isDone {
            let event = Self.event(sequence)
            sequence += 1
            sent += event.utf8.count
            text += event
            if isDone { text += finalEvent }
        }
        return text
    }

    var finalEvent: String {
        "Event: MessageWaiting\r\nPrivilege: call,all\r\nMailbox: 200@default\r\nWaiting: 1\r\n"
            + "NewMessages: \(options.finalNewMessages)\r\nOldMessages: 0\r\n\r\n"
    }

    static func event(_ number: Int) -> String {
        let channel = "PJSIP/\(100 + number % 50)-\(String(number % 0xFFFF, radix: 16))"
        switch number % 3 {
        case 0:
            return "Event: VarSet\r\nPrivilege: dialplan,all\r\nChannel: \(channel)\r\nUniqueid: 1795975542.\(number)\r\n"
                + "Variable: BRIDGEPEER\r\nValue: PJSIP/200-0000002b\r\n\r\n"
        case 1:
            return "Event: Newstate\r\nPrivilege: call,all\r\nChannel: \(channel)\r\nChannelState: 6\r\n"
                + "ChannelStateDesc: Up\r\nUniqueid: 1795975542.\(number)\r\n\r\n"
        default:
            return "Event: RTCPSent\r\nPrivilege: reporting,all\r\nChannel: \(channel)\r\nSSRC: 0x6d1f\r\n"
                + "SentPackets: \(number)\r\nReport0Fraction: 0\r\n\r\n"
        }
    }
}
