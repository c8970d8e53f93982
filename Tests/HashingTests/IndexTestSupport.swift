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

/// Writes `files` and the empty `emptyFolders` under `folder`, ages every file and folder an
/// hour, so the index trusts their stat data and listings, and returns the path of an index in
/// `.dagrun`.
func writeSettledTree(_ files: [String: String], emptyFolders: [String] = [], in folder: TemporaryDirectory) throws -> String {
    try writeAgedFiles(files, in: folder)
    for name in emptyFolders + [".dagrun"] {
        try FileManager.default.createDirectory(atPath: "\(folder.path)/\(name)", withIntermediateDirectories: true)
    }
    try ageFolders(in: folder)
    return "\(folder.path)/.dagrun/index.db"
}

/// Ages the root and every folder under it, except `.dagrun`, an hour.
func ageFolders(in folder: TemporaryDirectory) throws {
    let enumerator = FileManager.default.enumerator(atPath: folder.path)
    var folders = [folder.path]
    while let relative = enumerator?.nextObject() as? String {
        let path = "\(folder.path)/\(relative)"
        var isFolder: ObjCBool = false
        if !relative.hasPrefix(".dagrun"), FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            folders.append(path)
        }
    }
    for path in folders {
        try age(path)
    }
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
