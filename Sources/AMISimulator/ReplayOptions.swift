/// How `amisim --replay` answers: the recording, its pace, and where complaints go
/// (amisim prints them on stderr; the library prints nothing).
public struct ReplayOptions: Sendable {
    public var transcript: ReplayTranscript
    /// 1: the recorded pace; N: N times faster; 0: at once.
    public var speed: Double
    public var report: @Sendable (String) -> Void

    public init(transcript: ReplayTranscript, speed: Double = 1, report: @escaping @Sendable (String) -> Void = { _ in }) {
        self.transcript = transcript
        self.speed = speed
        self.report = report
    }
}
