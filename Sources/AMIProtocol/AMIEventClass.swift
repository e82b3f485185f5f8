/// Asterisk's manager privilege and event classes, in manager.c's order (the order
/// `Privilege:` headers list them in, and bit N of a numeric mask is class N). `all` is
/// every class. One list for the simulator's privileges and the language's `events` masks.
public enum AMIEventClass {
    public static let names = [
        "system", "call", "log", "verbose", "command", "agent", "user", "config", "dtmf", "reporting",
        "cdr", "dialplan", "originate", "agi", "cc", "aoc", "test", "security", "message",
    ]
}
