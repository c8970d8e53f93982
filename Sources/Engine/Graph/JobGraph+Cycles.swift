extension JobGraph {
    /// Returns the first dependency cycle found, or nil when the graph is a DAG. Each job in the
    /// returned list needs the next one, and the last needs the first.
    ///
    /// The search is a depth-first walk in file order over `needs` in the order written, so the
    /// same file always reports the same cycle. The cycle starts at its job that comes first in
    /// the file, so a message can point there.
    func firstCycle() -> [Job.Name]? {
        enum Mark {
            case unvisited, onPath, done
        }
        var marks = [Mark](repeating: .unvisited, count: names.count)
        var path: [Int] = []

        // An explicit stack of (job, next need to look at) keeps deep chains off the call stack.
        for root in names.indices where marks[root] == .unvisited {
            var stack: [(index: Int, nextNeed: Int)] = [(root, 0)]
            marks[root] = .onPath
            path.append(root)
            while let (index, nextNeed) = stack.last {
                guard nextNeed < needIndices[index].count else {
                    marks[index] = .done
                    path.removeLast()
                    stack.removeLast()
                    continue
                }
                stack[stack.count - 1].nextNeed += 1
                let need = needIndices[index][nextNeed]
                switch marks[need] {
                case .onPath:
                    let cycle = Array(path[(path.lastIndex(of: need) ?? 0)...])
                    return rotatedToEarliest(cycle).map { names[$0] }
                case .unvisited:
                    marks[need] = .onPath
                    path.append(need)
                    stack.append((need, 0))
                case .done:
                    break
                }
            }
        }
        return nil
    }

    private func rotatedToEarliest(_ cycle: [Int]) -> [Int] {
        guard let earliest = cycle.indices.min(by: { cycle[$0] < cycle[$1] }) else {
            return cycle
        }
        return Array(cycle[earliest...] + cycle[..<earliest])
    }
}
