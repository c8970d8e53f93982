import Basics

extension WorkflowLoader {
    /// Checks what no single job can show: unique names, `needs` that name jobs, and no cycles.
    ///
    /// - Throws: `WorkflowError` for the first problem, in file order.
    static func validate(_ jobs: [DecodedJob], file: String) throws(WorkflowError) {
        var firstLines: [Job.Name: Int] = [:]
        for decoded in jobs {
            let name = decoded.job.name
            if let firstLine = firstLines[name] {
                throw WorkflowError.duplicateJob(name, at: decoded.nameLocation, firstLine: firstLine)
            }
            firstLines[name] = decoded.nameLocation.line
        }

        let names = jobs.map(\.job.name.rawValue)
        for decoded in jobs {
            for (need, location) in zip(decoded.job.needs, decoded.needsLocations) where firstLines[need] == nil {
                throw WorkflowError.unknownNeed(need.rawValue, job: decoded.job.name, at: location, jobNames: names)
            }
        }

        let workflow = Workflow(file: file, root: "", jobs: jobs.map(\.job))
        if let cycle = JobGraph(workflow).firstCycle() {
            let location = jobs.first { $0.job.name == cycle[0] }?.job.location
            throw WorkflowError.cycle(cycle, at: location)
        }
    }
}
