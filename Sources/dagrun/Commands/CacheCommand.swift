import Basics
import Engine
import Foundation

/// `dagrun cache stats|prune|clear` on the workspace's cache folder.
enum CacheCommand {
    static func run(_ command: Invocation.Command, context: CommandContext) throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let workspace = context.workspace(for: workflow)
        let maintenance = CacheMaintenance(directory: CacheDirectory(path: workspace.cacheDirectory))

        switch command {
        case .cacheStats:
            let statistics = try maintenance.statistics()
            context.console.line("cache: \(workspace.cacheDirectory)")
            context.console.line("  results: \(statistics.entryCount) (\(formatBytes(statistics.entryBytes)))")
            context.console.line("  blobs:   \(statistics.blobCount) (\(formatBytes(statistics.blobBytes)))")
        case .cachePrune, .cacheClear:
            // Both remove files that a concurrent run may be writing, so they take the run's lock.
            try FileManager.default.createDirectory(atPath: workspace.stateDirectory, withIntermediateDirectories: true)
            let lock = WorkspaceLock(path: workspace.lockPath)
            try lock.acquire(reportingTo: context.console, displayPath: workspace.relativePath(workspace.lockPath))
            defer { lock.release() }
            if case .cachePrune = command {
                var warnings: [String] = []
                let result = try maintenance.prune(warnings: &warnings)
                warnings.forEach(context.console.warning)
                context.console.line("removed \(result.removedBlobCount) unreferenced blob\(result.removedBlobCount == 1 ? "" : "s") (\(formatBytes(result.removedBytes)))")
            } else {
                try maintenance.clear()
                context.console.line("cleared \(workspace.cacheDirectory)")
            }
        default:
            break
        }
        return 0
    }

    /// Formats a byte count with a binary unit: `512 B`, `1.5 KiB`, `3.2 MiB`.
    static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}
