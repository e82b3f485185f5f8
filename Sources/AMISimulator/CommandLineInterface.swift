/// The few Asterisk CLI commands the `Command` action runs, with their real output.
struct CommandLineInterface {
    let state: SimulatorState

    struct Result {
        var succeeded: Bool
        var lines: [String]
    }

    /// Known commands, as word lists, for running them and for the "No such command"
    /// suggestion (Asterisk's find_best needs the one-word `!` entry to behave as it does).
    private static let known: [[String]] = [
        ["!"],
        ["core", "show", "version"], ["core", "show", "uptime"], ["core", "show", "channels"],
        ["core", "show", "calls"], ["core", "show", "settings"], ["core", "waitfullybooted"],
        ["voicemail", "show", "users"], ["database", "show"], ["database", "put"], ["database", "get"],
        ["manager", "show", "commands"], ["manager", "show", "connected"], ["manager", "show", "command", "x"],
        ["dialplan", "show"],
    ]

    func run(_ commandLine: String) -> Result {
        let words = commandLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0) }
        let lowered = words.map { $0.lowercased() }
        switch lowered {
        case ["core", "show", "version"]:
            return Result(succeeded: true, lines: [
                "Asterisk GIT-master-f0c1c1a7b7 built by root @ vm on a x86_64 running Linux on 2026-11-29 18:01:40 UTC",
            ])
        case ["core", "show", "uptime"]:
            let uptime = WireClock.duration(state.uptime)
            return Result(succeeded: true, lines: ["System uptime: \(uptime)", "Last reload: \(uptime)"])
        case ["core", "show", "channels"]:
            return Result(succeeded: true, lines: channelsTable())
        case ["core", "show", "calls"]:
            let calls = state.channels.count / 2
            return Result(succeeded: true, lines: [
                "\(calls) active call\(calls == 1 ? "" : "s")",
                "\(state.processedCalls) call\(state.processedCalls == 1 ? "" : "s") processed",
            ])
        case ["voicemail", "show", "users"]:
            return Result(succeeded: true, lines: voicemailUsers())
        case ["database", "show"]:
            let entries = state.withData { $0.database }.sorted { $0.key < $1.key }
            var lines = entries.map { key, value in
                let name = "/" + key
                return name.padding(toLength: 46) + ": " + value
            }
            lines.append("\(entries.count) result\(entries.count == 1 ? "" : "s") found.")
            return Result(succeeded: true, lines: lines)
        case ["dialplan", "show", "amitest"], ["dialplan", "show"]:
            return Result(succeeded: true, lines: Self.amitestDialplan)
        case let words where words.count == 3 && words[0] == "dialplan" && words[1] == "show":
            return Result(succeeded: false, lines: ["There is no existence of '\(words[2])' context"])
        case ["manager", "show", "commands"]:
            var lines = ["  Action                           Synopsis", "  ------                           --------"]
            for entry in ActionCatalog.entries {
                lines.append("  " + entry.name.padding(toLength: 33) + entry.synopsis)
            }
            return Result(succeeded: true, lines: lines)
        case let words where words.count == 4 && words[0] == "manager" && words[1] == "show" && words[2] == "command":
            guard let entry = ActionCatalog.entry(named: words[3]) else {
                return Result(succeeded: true, lines: ["No manager action by that name registered."])
            }
            guard state.options.xmlDocumentation else {
                // manager.c without AST_XML_DOCS: the registration's (empty) synopsis.
                return Result(succeeded: true, lines: ["Action: \(entry.name)", "Synopsis: ", "Privilege: \(entry.privilege.headerValue)", ""])
            }
            var lines = ["[Synopsis]", entry.synopsis, "", "[Syntax]", "Action: \(entry.name)", "[ActionID:] <value>"]
            lines += entry.headers.map { "\($0): <value>" }
            lines += ["", "[Privilege]", entry.privilege.headerValue]
            return Result(succeeded: true, lines: lines)
        default:
            let suggestion = Self.bestPrefix(of: words)
            return Result(succeeded: false, lines: [
                "No such command '\(commandLine)' (type 'core show help \(suggestion)' for other possible commands)",
            ])
        }
    }

    /// The test system's dialplan (context amitest: s,1 Answer, Wait(2), Hangup) as
    /// pbx_config's `dialplan show` prints it: `  %-17s %-45s [%s]`, so every priority line
    /// after the first starts with 20 blanks — what `command` must keep.
    static let amitestDialplan: [String] = {
        func priority(_ label: String, _ step: String, _ line: Int) -> String {
            "  " + label.padding(toLength: 17) + " " + step.padding(toLength: 45) + " [extensions.conf:\(line)]"
        }
        return [
            "[ Context 'amitest' created by 'pbx_config' ]",
            priority("'s' =>", "1. Answer()", 3),
            priority("", "2. Wait(2)", 4),
            priority("", "3. Hangup()", 5),
            "",
            "-= 1 extension (3 priorities) in 1 context. =-",
        ]
    }()

    private func channelsTable() -> [String] {
        var lines = [
            "Channel".padding(toLength: 20) + " " + "Location".padding(toLength: 20) + " "
                + "State".padding(toLength: 7) + " " + "Application(Data)".padding(toLength: 30),
        ]
        let channels = state.channels
        for channel in channels {
            let location = "\(channel.exten)@\(channel.context):\(channel.priority)"
            let app = "\(channel.application)(\(channel.applicationData))"
            lines.append(
                channel.name.truncated(20).padding(toLength: 20) + " " + location.truncated(20).padding(toLength: 20)
                    + " " + channel.stateDescription.truncated(7).padding(toLength: 7) + " " + app.truncated(30).padding(toLength: 30))
        }
        let calls = channels.count / 2
        lines.append("\(channels.count) active channel\(channels.count == 1 ? "" : "s")")
        lines.append("\(calls) active call\(calls == 1 ? "" : "s")")
        lines.append("\(state.processedCalls) call\(state.processedCalls == 1 ? "" : "s") processed")
        return lines
    }

    /// app_voicemail's `%-10s %-5s %-25s %-10s %6s` table.
    private func voicemailUsers() -> [String] {
        let boxes = state.withData { $0.mailboxes }
        var lines = ["Context".padding(toLength: 10) + " " + "Mbox".padding(toLength: 5) + " "
            + "User".padding(toLength: 25) + " " + "Zone".padding(toLength: 10) + " " + "NewMsg"]
        for box in boxes {
            let count = String(box.newMessages)
            lines.append(box.context.padding(toLength: 10) + " " + box.mailbox.padding(toLength: 5) + " "
                + box.fullName.padding(toLength: 25) + " " + "".padding(toLength: 10) + " "
                + String(repeating: " ", count: max(0, 6 - count.count)) + count)
        }
        lines.append("\(boxes.count) voicemail users configured.")
        return lines
    }

    /// Asterisk's find_best: the words of the command line up to and including the first
    /// one that no known command continues with.
    static func bestPrefix(of words: [String]) -> String {
        var taken: [String] = []
        for word in words {
            taken.append(word)
            if !known.contains(where: { matchesPartially(taken, $0) }) { break }
        }
        return taken.joined(separator: " ")
    }

    /// cli.c's find_cli with match_type -1: every word equal, except that the last word
    /// may differ when it is also the command's last word.
    private static func matchesPartially(_ words: [String], _ command: [String]) -> Bool {
        guard words.count == command.count else { return false }
        for (index, word) in words.enumerated() where word.lowercased() != command[index] {
            return index == words.count - 1
        }
        return true
    }
}

extension String {
    /// Left-aligned in `length` columns, as printf's `%-Ns` (never truncates).
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }

    /// At most `length` characters, as printf's `%.Ns`.
    func truncated(_ length: Int) -> String {
        count <= length ? self : String(prefix(length))
    }
}
