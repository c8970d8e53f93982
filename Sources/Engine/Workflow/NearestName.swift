/// Returns the candidate closest to `name` by edit distance, for "did you mean" hints; nil when
/// none is close enough to be a plausible typo.
///
/// A candidate counts when at most a third of its characters, and at least one, need an edit.
/// Ties go to the earlier candidate.
func nearestName(to name: String, among candidates: [String]) -> String? {
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(name.lowercased(), candidate.lowercased())
        let allowed = max(1, candidate.count / 3)
        guard distance <= allowed else {
            continue
        }
        if distance < best?.distance ?? Int.max {
            best = (candidate, distance)
        }
    }
    return best?.candidate
}

/// The Levenshtein distance: the fewest single-character insertions, deletions and substitutions
/// that turn `source` into `target`.
func editDistance(_ source: String, _ target: String) -> Int {
    let source = Array(source)
    let target = Array(target)
    guard !source.isEmpty, !target.isEmpty else {
        return max(source.count, target.count)
    }
    var previous = Array(0...target.count)
    var current = [Int](repeating: 0, count: target.count + 1)
    for sourceIndex in 1...source.count {
        current[0] = sourceIndex
        for targetIndex in 1...target.count {
            let substitution = previous[targetIndex - 1] + (source[sourceIndex - 1] == target[targetIndex - 1] ? 0 : 1)
            current[targetIndex] = min(previous[targetIndex] + 1, current[targetIndex - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[target.count]
}
