import Foundation
import TestSupport
@testable import Hashing

/// Sets the modification time of `path` to `secondsAgo` seconds in the past, so the index treats
/// the file as settled rather than racily clean.
func age(_ path: String, secondsAgo: TimeInterval = 3600) throws {
    try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: path)
}

/// Writes `files` (relative path to content) under `folder`, aged an hour, and returns their paths sorted.
@discardableResult
func writeAgedFiles(_ files: [String: String], in folder: TemporaryDirectory) throws -> [String] {
    for (path, content) in files {
        try age(try folder.write(path, content))
    }
    return files.keys.sorted()
}

/// Returns the modification time of `path` with nanoseconds, to restore it later.
func modificationTime(of path: String) -> timespec {
    var status = stat()
    stat(path, &status)
    return status.st_mtim
}

/// Sets the access and modification times of `path` to exactly `time`.
func setModificationTime(of path: String, to time: timespec) {
    var times = [time, time]
    utimensat(AT_FDCWD, path, &times, 0)
}

/// Runs SQL through the sqlite3 command-line shell on `database` and returns its output.
func sqlite(_ database: String, _ sql: String) throws -> String {
    try runTool("sqlite3", [database, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
}
