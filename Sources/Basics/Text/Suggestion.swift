/// Returns the candidate closest to `input` by edit distance, for "did you mean" hints.
///
/// A candidate counts only when its distance is at most a third of the longer name's length
/// (at least 1), so that `nedds` suggests `needs` but `x` suggests nothing. Ties go to the
/// candidate listed first.
public func closestMatch(to input: String, among candidates: [String]) -> String? {
    var best: (name: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(input, candidate)
        let allowed = max(1, max(input.count, candidate.count) / 3)
        guard distance <= allowed else { continue }
        if best == nil || distance < best!.distance {
            best = (candidate, distance)
        }
    }
    return best?.name
}

/// Returns the Levenshtein distance between `a` and `b`, counting Unicode characters.
public func editDistance(_ a: String, _ b: String) -> Int {
    let left = Array(a)
    let right = Array(b)
    if left.isEmpty { return right.count }
    if right.isEmpty { return left.count }
    var previous = Array(0...right.count)
    var current = Array(repeating: 0, count: right.count + 1)
    for i in 1...left.count {
        current[0] = i
        for j in 1...right.count {
            let substitution = previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[right.count]
}
