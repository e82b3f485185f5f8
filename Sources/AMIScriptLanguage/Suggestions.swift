/// "Did you mean …?": the known names nearest to a misspelt one, for error messages
/// (statements, map keys, actions).
public enum Suggestions {
    /// The names within a small edit distance of `word` (ignoring ASCII case), nearest first;
    /// at most `limit`. A name is near when at most a third of its letters differ (and at
    /// least one may always differ), so `conect` finds `connect` but `x` finds nothing.
    public static func nearest(to word: String, in names: [String], limit: Int = 3) -> [String] {
        let target = Array(word.lowercased())
        guard !target.isEmpty else { return [] }
        var scored: [(name: String, distance: Int)] = []
        for name in names {
            let candidate = Array(name.lowercased())
            let allowed = max(1, min(target.count, candidate.count) / 3)
            guard abs(candidate.count - target.count) <= allowed else { continue }
            let distance = editDistance(target, candidate)
            if distance <= allowed, distance > 0 || name != word { scored.append((name, distance)) }
        }
        var seen = Set<String>()
        return scored.sorted { ($0.distance, $0.name) < ($1.distance, $1.name) }
            .map(\.name).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }

    /// Damerau-Levenshtein (optimal string alignment): a swap of two neighbours counts one.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// `did you mean 'a' or 'b'?` — or nil when nothing is near.
    public static func didYouMean(_ word: String, in names: [String], quote: (String) -> String = { "'\($0)'" }) -> String? {
        let found = nearest(to: word, in: names)
        guard !found.isEmpty else { return nil }
        let listed = found.map(quote)
        let text = listed.count == 1 ? listed[0] : listed.dropLast().joined(separator: ", ") + " or " + listed.last!
        return "did you mean \(text)?"
    }
}
