import AMIProtocol
/// The users of a simulated manager, read from a file in manager.conf syntax:
///
/// ```
/// [general]
/// enabled = yes
/// [admin]
/// secret = secret5
/// deny = 0.0.0.0/0.0.0.0
/// permit = 127.0.0.1/255.255.255.255
/// read = all
/// write = all
/// ```
public struct ManagerConfiguration: Sendable, Hashable {
    public struct User: Sendable, Hashable {
        public var name: String
        public var secret: String
        public var read: Privilege
        public var write: Privilege
        /// `deny` / `permit` rules in order; the last one that matches decides.
        public var acl: [AccessRule]

        public init(name: String, secret: String, read: Privilege, write: Privilege, acl: [AccessRule] = []) {
            self.name = name
            self.secret = secret
            self.read = read
            self.write = write
            self.acl = acl
        }

        /// Whether a client at this IPv4 address may log in as this user.
        public func permits(address: String) -> Bool {
            guard let ip = IPv4Network.parseAddress(address) else { return acl.isEmpty }
            var allowed = true
            for rule in acl where rule.network.contains(ip) {
                allowed = rule.permit
            }
            return allowed
        }
    }

    public struct AccessRule: Sendable, Hashable {
        public var permit: Bool
        public var network: IPv4Network
    }

    public var users: [String: User]
    /// Seconds an unauthenticated connection may stay (Asterisk's `authtimeout`).
    public var authTimeout: Double

    public init(users: [User], authTimeout: Double = 30) {
        self.users = Dictionary(users.map { ($0.name.lowercased(), $0) }, uniquingKeysWith: { $1 })
        self.authTimeout = authTimeout
    }

    /// The seed's `admin` / `secret5` with every right, and `limited` / `limited1` with
    /// `read = system` / `write = system`, as in the transcripts' server.
    public static let standard = ManagerConfiguration(users: [
        User(name: "admin", secret: "secret5", read: .all, write: .all),
        User(name: "limited", secret: "limited1", read: .system, write: .system),
    ])

    public func user(named name: String) -> User? {
        users[name.lowercased()]
    }

    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    /// Parses manager.conf text. `;` starts a comment; sections other than `[general]`
    /// are users.
    public static func parse(_ text: String) throws -> ManagerConfiguration {
        var users: [User] = []
        var current: User?
        var inGeneral = false
        var authTimeout = 30.0
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            var line = Substring(rawLine)
            if let semicolon = line.firstIndex(of: ";") { line = line[..<semicolon] }
            let trimmed = VisibleText.trimming(line, " \t\r")
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.firstIndex(of: "]") else {
                    throw ParseError(line: lineNumber, message: "section name without ']'")
                }
                if let user = current { users.append(user) }
                let name = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
                inGeneral = name.lowercased() == "general"
                current = inGeneral ? nil : User(name: name, secret: "", read: [], write: [])
                continue
            }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw ParseError(line: lineNumber, message: "expected 'name = value'")
            }
            let key = VisibleText.trimming(trimmed[..<equals], " \t>").lowercased()
            let value = VisibleText.trimming(trimmed[trimmed.index(after: equals)...], " \t>")
            if inGeneral {
                if key == "authtimeout", let seconds = Double(value) { authTimeout = seconds }
                continue
            }
            guard var user = current else {
                throw ParseError(line: lineNumber, message: "'\(key)' outside a section")
            }
            switch key {
            case "secret": user.secret = value
            case "read": user.read.formUnion(Privilege(list: value))
            case "write": user.write.formUnion(Privilege(list: value))
            case "permit", "deny":
                guard let network = IPv4Network(value) else {
                    throw ParseError(line: lineNumber, message: "'\(value)' is not an address/mask")
                }
                user.acl.append(AccessRule(permit: key == "permit", network: network))
            default:
                break
            }
            current = user
        }
        if let user = current { users.append(user) }
        return ManagerConfiguration(users: users, authTimeout: authTimeout)
    }
}

/// An IPv4 network as manager.conf writes it: `127.0.0.1/255.255.255.255` or `10.0.0.0/8`.
public struct IPv4Network: Sendable, Hashable {
    public var address: UInt32
    public var mask: UInt32

    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = IPv4Network.parseAddress(parts[0]) else { return nil }
        var mask: UInt32 = 0xFFFF_FFFF
        if parts.count == 2 {
            if let bits = Int(parts[1]), (0...32).contains(bits) {
                mask = bits == 0 ? 0 : ~UInt32(0) << UInt32(32 - bits)
            } else if let dotted = IPv4Network.parseAddress(parts[1]) {
                mask = dotted
            } else {
                return nil
            }
        }
        self.address = address & mask
        self.mask = mask
    }

    public func contains(_ ip: UInt32) -> Bool {
        ip & mask == address
    }

    static func parseAddress(_ text: String) -> UInt32? {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var value: UInt32 = 0
        for octet in octets {
            guard let number = UInt32(octet), number < 256 else { return nil }
            value = value << 8 | number
        }
        return value
    }
}
