/// The DAG of a workflow's jobs: each job with the jobs it needs and the jobs that need it.
///
/// Jobs are kept by their index in the workflow's file order, which breaks every tie, so each
/// order the graph returns is the same on every run. The graph is immutable and `Sendable`.
public struct JobGraph: Sendable {
    /// The job names in file order.
    let names: [Job.Name]
    let indices: [Job.Name: Int]
    /// For each job, the indices of the jobs it needs, in the order written.
    let needIndices: [[Int]]
    /// For each job, the indices of the jobs that need it, in file order.
    let dependentIndices: [[Int]]

    /// Builds the graph of `workflow`.
    ///
    /// The loader has checked the workflow, so names are unique and `needs` name jobs; a need that
    /// names no job is skipped here. With a cycle, which only the loader's own check builds, the
    /// orders below leave out the jobs on and after it.
    public init(_ workflow: Workflow) {
        names = workflow.jobs.map(\.name)
        var indices: [Job.Name: Int] = [:]
        for (index, name) in names.enumerated() where indices[name] == nil {
            indices[name] = index
        }
        self.indices = indices

        var dependents = [[Int]](repeating: [], count: names.count)
        needIndices = workflow.jobs.enumerated().map { index, job in
            let needs = job.needs.compactMap { indices[$0] }
            for need in needs {
                dependents[need].append(index)
            }
            return needs
        }
        dependentIndices = dependents
    }

    /// Every job, each after all the jobs it needs. Among jobs that are ready at the same time,
    /// the one earlier in the file comes first.
    public var topologicalOrder: [Job.Name] {
        order(of: Array(names.indices)).map { names[$0] }
    }

    /// Returns the direct needs of `name` in the order written, or none for an unknown name.
    public func needs(of name: Job.Name) -> [Job.Name] {
        guard let index = indices[name] else {
            return []
        }
        return needIndices[index].map { names[$0] }
    }

    /// `targets` and every job they need, directly or not, in topological order. Unknown names are
    /// ignored: the caller checks them first.
    public func closure(of targets: [Job.Name]) -> [Job.Name] {
        let start = targets.compactMap { indices[$0] }
        return order(of: reachable(from: start, through: needIndices)).map { names[$0] }
    }

    /// `names` and every job downstream of them, in topological order: what must run again when
    /// `names` change.
    public func dependents(of names: Set<Job.Name>) -> [Job.Name] {
        let start = names.compactMap { indices[$0] }
        return order(of: reachable(from: start, through: dependentIndices)).map { self.names[$0] }
    }

    // MARK: Traversal

    /// Collects the jobs reachable from `start` along `edges`, `start` included.
    private func reachable(from start: [Int], through edges: [[Int]]) -> Set<Int> {
        var seen = Set(start)
        var pending = start
        while let index = pending.popLast() {
            for next in edges[index] where seen.insert(next).inserted {
                pending.append(next)
            }
        }
        return seen
    }

    /// Orders `members` so each comes after the members it needs, smallest file index first among
    /// ready ones (Kahn's algorithm). Needs outside `members` are taken as already done.
    private func order(of members: some Collection<Int>) -> [Int] {
        let memberSet = Set(members)
        var waitingCounts: [Int: Int] = [:]
        var ready: [Int] = []
        for index in memberSet {
            let count = needIndices[index].count { memberSet.contains($0) }
            waitingCounts[index] = count
            if count == 0 {
                ready.append(index)
            }
        }
        // Kept sorted descending, so the smallest index is the last element.
        ready.sort(by: >)

        var result: [Int] = []
        result.reserveCapacity(memberSet.count)
        while let index = ready.popLast() {
            result.append(index)
            for dependent in dependentIndices[index] where memberSet.contains(dependent) {
                waitingCounts[dependent, default: 0] -= 1
                if waitingCounts[dependent] == 0 {
                    let position = ready.firstIndex { $0 < dependent } ?? ready.endIndex
                    ready.insert(dependent, at: position)
                }
            }
        }
        return result
    }
}
