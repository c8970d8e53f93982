import CSQLite

/// A failed SQLite call: the operation, the extended result code and `sqlite3_errmsg`.
struct SQLiteError: Error, Sendable {
    var operation: String
    var code: Int32
    var message: String

    /// Whether the file is damaged or is not an SQLite database, the cases that rebuilding cures.
    var isCorruption: Bool {
        let primary = code & 0xff
        return primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB
    }
}

/// One SQLite connection. Not thread-safe: its owner serializes all use (see `HashIndex`).
final class SQLiteConnection {
    private let handle: OpaquePointer
    private var isClosed = false

    /// Opens or creates the database at `path`, read-write, with extended result codes and a
    /// busy timeout of `busyTimeoutMilliseconds`.
    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws(SQLiteError) {
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &handle, flags, nil)
        guard code == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            throw SQLiteError(operation: "open", code: code, message: message)
        }
        self.handle = handle
        sqlite3_extended_result_codes(handle, 1)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    deinit {
        close()
    }

    /// Closes the connection; later calls fail with SQLITE_MISUSE. Statements must be gone.
    func close() {
        if !isClosed {
            sqlite3_close_v2(handle)
            isClosed = true
        }
    }

    /// Runs one or more statements that return no rows of interest.
    func execute(_ sql: String) throws(SQLiteError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        if code != SQLITE_OK {
            throw error(code, "execute \(sql.prefix(40))")
        }
    }

    /// Runs `body` in a write transaction, taken at once (`BEGIN IMMEDIATE`), and commits it,
    /// or rolls it back when `body` or the commit throws.
    func writeTransaction(_ body: () throws(SQLiteError) -> Void) throws(SQLiteError) {
        try execute("BEGIN IMMEDIATE")
        do {
            try body()
            try execute("COMMIT")
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Deletes the rows of `table` whose `path` is one of `paths`.
    func deleteRows(of table: String, paths: [[UInt8]]) throws(SQLiteError) {
        let delete = try prepare("DELETE FROM \(table) WHERE path = ?1")
        for path in paths {
            delete.bind(path, at: 1)
            try delete.run()
        }
    }

    /// Runs a query whose first row's first column is an integer, such as a pragma.
    func integer(_ sql: String) throws(SQLiteError) -> Int64 {
        let statement = try prepare(sql)
        guard try statement.step() else { return 0 }
        return statement.integer(at: 0)
    }

    func prepare(_ sql: String) throws(SQLiteError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw error(code, "prepare \(sql.prefix(40))")
        }
        return SQLiteStatement(statement, connection: self)
    }

    func error(_ code: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(operation: operation, code: code, message: String(cString: sqlite3_errmsg(handle)))
    }
}

/// A prepared statement of a `SQLiteConnection`, used by the same owner.
final class SQLiteStatement {
    private let handle: OpaquePointer
    private let connection: SQLiteConnection

    /// SQLite's SQLITE_TRANSIENT, which Swift cannot import: SQLite copies the bound bytes.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    fileprivate init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Clears the bindings and rewinds the statement, ready for the next use.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Binds `value` to the 1-based parameter `index`.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds `bytes` as a BLOB to the 1-based parameter `index`, or NULL for nil.
    func bind(_ bytes: [UInt8]?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        bytes.withUnsafeBytes { bind($0, at: index) }
    }

    /// Binds a copy of `bytes` as a BLOB to the 1-based parameter `index`.
    func bind(_ bytes: UnsafeRawBufferPointer, at index: Int32) {
        // A zero-length BLOB needs a non-null pointer, or SQLite stores NULL.
        let pointer = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)
        sqlite3_bind_blob(handle, index, pointer, Int32(bytes.count), Self.transient)
    }

    /// Advances to the next row; returns false when the statement is done.
    func step() throws(SQLiteError) -> Bool {
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(code, "step \(String(cString: sqlite3_sql(handle)).prefix(40))")
        }
    }

    /// Runs a statement that returns no rows, then resets it.
    func run() throws(SQLiteError) {
        defer { reset() }
        _ = try step()
    }

    func integer(at column: Int32) -> Int64 {
        sqlite3_column_int64(handle, column)
    }

    func isNull(at column: Int32) -> Bool {
        sqlite3_column_type(handle, column) == SQLITE_NULL
    }

    /// Calls `body` with the BLOB in `column`, which stays valid only during the call.
    /// An empty BLOB comes as an empty buffer (SQLite returns a null pointer for it).
    func withBlob<R>(at column: Int32, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        let pointer = sqlite3_column_blob(handle, column)
        let count = Int(sqlite3_column_bytes(handle, column))
        guard let pointer, count > 0 else {
            return body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return body(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    func blob(at column: Int32) -> [UInt8] {
        withBlob(at: column) { Array($0) }
    }
}
