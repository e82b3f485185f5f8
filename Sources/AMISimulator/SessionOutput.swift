/// Where a session's bytes go: the connection it serves. The session runs on that
/// connection's event loop and calls these only there.
protocol SessionOutput: AnyObject {
    /// Writes a response, with the configured faults applied.
    func writeResponse(_ text: String)
    /// Writes anything else (banner, events) as it is (only `byte-at-a-time` and
    /// `--byte-delay` apply; nothing after `stall-mid-response` or `endless-line` began).
    func writeOther(_ text: String)
    /// Runs `work` on the session's event loop after `seconds`.
    func schedule(after seconds: Double, _ work: @escaping () -> Void)
    func close()
    /// Starts sending the event flood after login (the `flood` fault).
    func startFlood(_ options: FloodOptions)
    /// Where the client connects from, for the ACL and SuccessfulAuth.
    var remoteAddress: String { get }
    var remotePort: Int { get }
    var localAddress: String { get }
    var localPort: Int { get }
}

extension ManagerSession {
    func startFlood() {
        output.startFlood(state.options.flood)
    }
}
