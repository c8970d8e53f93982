import Basics
import Engine
import Foundation
import Hashing

/// `dagrun run`: runs the requested jobs and what they need, and returns 0, 1 or 130.
enum RunCommand {
    static func run(_ options: Invocation.RunOptions, context: CommandContext) async throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let targets = try context.jobNames(options.targets, in: workflow, command: "run")
        let graph = JobGraph(workflow)
        let names = targets.isEmpty ? graph.topologicalOrder : graph.closure(of: targets)
        let workspace = context.workspace(for: workflow)

        if options.dryRun {
            return try await DryRun.run(names, workflow: workflow, workspace: workspace, options: options, context: context)
        }

        let session = try RunSession.open(workspace: workspace, waitsForLock: options.waitsForLock, context: context)
        defer { session.close() }

        let reporter = RunReporter(console: context.console, format: options.json ? .json : .text)
        let junit = options.junitFile.map { _ in JUnitReport() }
        let report: @Sendable (RunEvent) -> Void = { event in
            reporter.report(event)
            junit?.record(event)
        }

        let summary = await session.run(
            names,
            of: workflow,
            parallelJobs: options.parallelJobs ?? ProcessInfo.processInfo.activeProcessorCount,
            keepGoing: options.keepGoing,
            cacheDisabled: options.cacheDisabled,
            reportsReasons: options.json || context.console.verbosity == .verbose,
            report: report
        )
        report(.finished(summary))

        if let junit, let path = options.junitFile {
            do {
                try junit.xml(totalDuration: summary.duration).write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                context.console.error("could not write the JUnit report to '\(path)': \(error.localizedDescription)")
                return summary.interrupted ? 130 : 2
            }
        }
        if summary.interrupted { return 130 }
        return summary.isSuccess ? 0 : 1
    }
}
