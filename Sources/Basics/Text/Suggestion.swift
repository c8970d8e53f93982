/// Returns the candidate closest to `name` by edit distance, for "did you mean" hints; nil when
/// none is close enough to be a plausible typo.
///
/// A candidate counts when at most a third of its characters, and at least one, need an edit.
/// Ties go to the earlier candidate.
public func closestMatch(to name: String, among candidates: [String]) -> String? {
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

/// Computes the optimal string alignment distance: the fewest single-character insertions,
/// deletions, substitutions and swaps of two neighbouring characters that turn `source` into
/// `target`. Counting a swap as one edit makes typos such as "jbos" for "jobs" close.
public func editDistance(_ source: String, _ target: String) -> Int {
    let source = Array(source)
    let target = Array(target)
    guard !source.isEmpty, !target.isEmpty else {
        return max(source.count, target.count)
    }
    // Three rows of the usual table: the swap looks two rows back.
    var beforePrevious = [Int](repeating: 0, count: target.count + 1)
    var previous = Array(0...target.count)
    var current = [Int](repeating: 0, count: target.count + 1)
    for row in 1...source.count {
        current[0] = row
        for column in 1...target.count {
            let cost = source[row - 1] == target[column - 1] ? 0 : 1
            var distance = min(previous[column] + 1, current[column - 1] + 1, previous[column - 1] + cost)
            let isSwap = row > 1 && column > 1
                && source[row - 1] == target[column - 2] && source[row - 2] == target[column - 1]
            if isSwap {
                distance = min(distance, beforePrevious[column - 2] + 1)
            }
            current[column] = distance
        }
        (beforePrevious, previous, current) = (previous, current, beforePrevious)
    }
    return previous[target.count]
}
