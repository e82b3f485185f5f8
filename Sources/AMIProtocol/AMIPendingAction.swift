/// An action sent and not yet answered: which of the packets that arrive are its answer.
///
/// The answer is the first response carrying the action's ActionID and, when that
/// response opens an event list, the list's events up to the one that closes it
/// (`AMIEventList`). Everything else — events, responses to other actions, a second
/// response with the same ActionID, packets after the answer is complete — is not the
/// action's, and stays where it is for whoever reads the stream.
///
/// Both readers of a connection use this: `AMIConnection.perform` and the interpreter's
/// input pump, so "which packets did the action take" is decided in one place.
public struct AMIPendingAction: Sendable {
    public let actionID: String
    /// The action's name (older servers close a list with an event named after it).
    public let name: String
    private var response: AMIPacket?
    private var ending: AMIEventList.Ending?
    private var events: [AMIPacket] = []
    /// The whole answer, once it has arrived.
    public private(set) var result: AMIActionResult?

    public init(actionID: String, name: String) {
        self.actionID = actionID
        self.name = name
    }

    /// Takes the packets of `run` that belong to the answer (`taken` hears each, in stream
    /// order); returns the others, as pieces of the run in their order. The packets it
    /// passes over are not made into values: ActionIDs are read in place.
    public mutating func claim(from run: AMIPacketRun, taken: (AMIPacket) -> Void = { _ in }) -> [AMIPacketRun] {
        var others: [AMIPacketRun] = []
        var position = run.startIndex
        while position < run.endIndex, result == nil,
              let ours = run.firstIndex(from: position, whereHeader: "ActionID", is: actionID) {
            if ours > position { others.append(run[position..<ours]) }
            let packet = run[ours]
            if offer(packet) {
                taken(packet)
            } else {
                others.append(run[ours..<(ours + 1)])
            }
            position = ours + 1
        }
        if position < run.endIndex { others.append(run[position..<run.endIndex]) }
        return others
    }

    /// Offers a packet that carries this action's ActionID; true when the answer takes it.
    private mutating func offer(_ framed: AMIPacket) -> Bool {
        guard result == nil else { return false }
        let packet = framed.parsedCopy
        if let current = response {
            guard packet.kind == .event, let ending else { return false }
            if AMIEventList.isLast(packet, of: ending) {
                result = AMIActionResult(actionID: actionID, response: current, events: events, listEnd: packet)
            } else {
                events.append(packet)
            }
            return true
        }
        guard packet.kind == .response else { return false }
        response = packet
        ending = packet.isError ? nil : AMIEventList.ending(of: packet, action: name)
        if ending == nil { result = AMIActionResult(actionID: actionID, response: packet) }
        return true
    }
}
