/// Matches one alternative of a glob, a list of segments, against the segments of a path.
///
/// The matcher is a small NFA: a state is an index into `segments`, and `**` is a state that may
/// consume any number of path segments. Tracking every live state at once costs
/// O(path segments × pattern segments) and never backtracks, however many `**` a pattern has.
struct SegmentSequenceMatcher {
    let segments: [GlobSegment]

    /// Returns whether the whole path matches.
    func matches(_ path: [UnsafeBufferPointer<UInt8>]) -> Bool {
        states(after: path).contains(segments.count)
    }

    /// Returns whether some path below the folder `directory` might match. A state short of the end
    /// still needs at least one more segment, which a file below the folder can supply.
    func mayMatch(below directory: [UnsafeBufferPointer<UInt8>]) -> Bool {
        states(after: directory).contains { $0 < segments.count }
    }

    /// Returns whether every path below the folder `directory` matches: some live state is a
    /// trailing `**` followed only by `*`.
    func matchesEverything(below directory: [UnsafeBufferPointer<UInt8>]) -> Bool {
        states(after: directory).contains { state in
            guard state + 2 == segments.count, case .globstar = segments[state],
                case .anyName = segments[state + 1]
            else {
                return false
            }
            return true
        }
    }

    /// Returns the states live after consuming `path`, in no particular order and without duplicates.
    private func states(after path: [UnsafeBufferPointer<UInt8>]) -> [Int] {
        var current: [Int] = []
        addState(0, to: &current)
        for name in path {
            var next: [Int] = []
            for state in current where state < segments.count {
                switch segments[state] {
                case .globstar:
                    addState(state, to: &next)
                case let segment where segment.matches(name):
                    addState(state + 1, to: &next)
                default:
                    break
                }
            }
            if next.isEmpty {
                return []
            }
            current = next
        }
        return current
    }

    /// Adds `state`, and the state after it when it is `**`, which may match no segment at all.
    private func addState(_ state: Int, to states: inout [Int]) {
        var state = state
        while !states.contains(state) {
            states.append(state)
            guard state < segments.count, case .globstar = segments[state] else {
                return
            }
            state += 1
        }
    }
}
