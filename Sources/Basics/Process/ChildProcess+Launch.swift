#if canImport(Glibc)
@preconcurrency import Glibc
#endif
import CSystem

extension ChildProcess {
    /// The checked parameters of one `posix_spawn` call.
    struct Launch {
        /// The program's path: as given when it contains a slash, otherwise found in `PATH`.
        var executable: String
        var arguments: [String]
        /// `NAME=value` entries, sorted by name so children see a stable order.
        var environment: [String]
        var directory: String

        init(arguments: [String], environment: [String: String], directory: String) throws(SystemError) {
            guard let program = arguments.first, !program.isEmpty else {
                throw SystemError(call: "posix_spawn", subject: "(empty command line)", code: EINVAL)
            }
            try Self.checkDirectory(directory)
            self.executable = try Self.findExecutable(program, path: environment["PATH"], directory: directory)
            self.arguments = arguments
            self.environment = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            self.directory = directory
        }

        /// The descriptors of a started child; the parent owns and must close all three.
        struct Started {
            var processID: pid_t
            /// A pidfd that polls readable once the child has exited.
            var exitDescriptor: Int32
            /// The read end of the child's standard output pipe.
            var standardOutput: Int32
            /// The read end of the child's standard error pipe.
            var standardError: Int32
        }

        /// Spawns the child; on failure every descriptor is closed and no child is left behind.
        func start() throws(SystemError) -> Started {
            let output = try makePipe()
            let error: (read: Int32, write: Int32)
            do {
                error = try makePipe()
            } catch let failure {
                close(output.read)
                close(output.write)
                throw failure
            }

            let spawned = spawn(standardOutput: output.write, standardError: error.write)
            // The child holds its own copies of the write ends; closing ours lets the read
            // ends report end of file once the child and its descendants have closed theirs.
            close(output.write)
            close(error.write)
            let processID: pid_t
            switch spawned {
            case .success(let id):
                processID = id
            case .failure(let failure):
                close(output.read)
                close(error.read)
                throw failure
            }

            let exitDescriptor = csystem_pidfd_open(processID)
            if exitDescriptor < 0 {
                let code = errno
                // Without a pidfd the exit cannot be observed, so stop the child rather than
                // leave it unmonitored. SIGKILL ends it promptly, so this wait is short.
                _ = killpg(processID, SIGKILL)
                var status: Int32 = 0
                _ = try? retryingInterrupts("waitpid") { waitpid(processID, &status, 0) }
                close(output.read)
                close(error.read)
                throw SystemError(call: "pidfd_open", subject: "process \(processID)", code: code)
            }
            return Started(
                processID: processID,
                exitDescriptor: exitDescriptor,
                standardOutput: output.read,
                standardError: error.read
            )
        }

        private func makePipe() throws(SystemError) -> (read: Int32, write: Int32) {
            var descriptors: [Int32] = [-1, -1]
            try retryingInterrupts("pipe2") { csystem_pipe_cloexec(&descriptors) }
            return (descriptors[0], descriptors[1])
        }

        private func spawn(standardOutput: Int32, standardError: Int32) -> Result<pid_t, SystemError> {
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
            posix_spawn_file_actions_init(&actions)
            posix_spawnattr_init(&attributes)
            defer {
                posix_spawn_file_actions_destroy(&actions)
                posix_spawnattr_destroy(&attributes)
            }

            // Each setup call returns 0 or an error number; the first failure wins.
            var setup: [(call: String, code: Int32)] = []
            func check(_ call: String, _ code: Int32) {
                if code != 0 {
                    setup.append((call, code))
                }
            }
            check("posix_spawn_file_actions_addopen", posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0))
            check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, standardOutput, 1))
            check("posix_spawn_file_actions_adddup2", posix_spawn_file_actions_adddup2(&actions, standardError, 2))
            // Descriptors that other code opened without O_CLOEXEC must not reach the job.
            check("posix_spawn_file_actions_addclosefrom_np", csystem_spawn_file_actions_addclosefrom(&actions, 3))
            check("posix_spawn_file_actions_addchdir_np", csystem_spawn_file_actions_addchdir(&actions, directory))

            var emptyMask = sigset_t()
            var allSignals = sigset_t()
            sigemptyset(&emptyMask)
            sigfillset(&allSignals)
            let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
            check("posix_spawnattr_setflags", posix_spawnattr_setflags(&attributes, Int16(flags)))
            check("posix_spawnattr_setpgroup", posix_spawnattr_setpgroup(&attributes, 0))
            check("posix_spawnattr_setsigmask", posix_spawnattr_setsigmask(&attributes, &emptyMask))
            check("posix_spawnattr_setsigdefault", posix_spawnattr_setsigdefault(&attributes, &allSignals))
            if let first = setup.first {
                return .failure(SystemError(call: first.call, subject: executable, code: first.code))
            }

            var processID: pid_t = 0
            let code = withCStringArray(arguments) { argv in
                withCStringArray(environment) { envp in
                    posix_spawn(&processID, executable, &actions, &attributes, argv, envp)
                }
            }
            if code != 0 {
                return .failure(SystemError(call: "posix_spawn", subject: executable, code: code))
            }
            return .success(processID)
        }

        private static func checkDirectory(_ directory: String) throws(SystemError) {
            var info = stat()
            if stat(directory, &info) != 0 {
                throw SystemError(call: "stat", subject: directory, code: errno)
            }
            if info.st_mode & S_IFMT != S_IFDIR {
                throw SystemError(call: "chdir", subject: directory, code: ENOTDIR)
            }
        }

        /// Finds `program` the way `execvp` would, but in the child's `PATH` and relative to the
        /// child's working folder.
        private static func findExecutable(
            _ program: String,
            path: String?,
            directory: String
        ) throws(SystemError) -> String {
            if program.contains("/") {
                return program
            }
            let folders = (path ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
            for folder in folders {
                // An empty or relative entry names a folder relative to the current one, as in
                // execvp, and the child's current folder is `directory`.
                var base = String(folder)
                if !base.hasPrefix("/") {
                    base = base.isEmpty ? directory : "\(directory)/\(base)"
                }
                let candidate = "\(base)/\(program)"
                var info = stat()
                if stat(candidate, &info) == 0, info.st_mode & S_IFMT == S_IFREG, access(candidate, X_OK) == 0 {
                    return candidate
                }
            }
            throw SystemError(call: "posix_spawn", subject: "\(program) (searched PATH=\(path ?? ""))", code: ENOENT)
        }
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`, freed afterwards.
private func withCStringArray<Result>(
    _ strings: [String],
    _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> Result
) -> Result {
    var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    pointers.append(nil)
    defer {
        for pointer in pointers {
            free(pointer)
        }
    }
    return pointers.withUnsafeBufferPointer { buffer in
        // The buffer always contains the trailing nil, so its base address exists.
        body(buffer.baseAddress!)
    }
}
