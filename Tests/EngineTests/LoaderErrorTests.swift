import Foundation
import Testing
import TestSupport
@testable import Engine

@Suite struct LoaderErrorTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var yaml: String
        /// `line:column: message`, or `-: message` for an error without a location.
        var error: String
        var hint: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "unknown top-level key",
            yaml: "jbos:\n  - name: a\n    runs: x\n",
            error: "1:1: unknown key 'jbos' at the top level",
            hint: "Did you mean 'jobs'?"
        ),
        Case(
            name: "unknown job key",
            yaml: "jobs:\n  - name: a\n    runs: x\n    neds: [b]\n",
            error: "4:5: unknown key 'neds' in job 'a'",
            hint: "Did you mean 'needs'?"
        ),
        Case(
            name: "unknown key far from any",
            yaml: "jobs:\n  - name: a\n    runs: x\n    color: red\n",
            error: "4:5: unknown key 'color' in job 'a'",
            hint: "Valid keys are 'name', 'runs', 'needs', 'inputs', 'artifacts', 'retries', 'backoff', "
                + "'timeout', 'env', 'cache'."
        ),
        Case(
            name: "retries not a number",
            yaml: "jobs:\n  - name: a\n    runs: x\n    retries: two\n",
            error: "4:14: 'retries' must be a whole number >= 0, found 'two'"
        ),
        Case(
            name: "negative retries",
            yaml: "jobs:\n  - name: a\n    runs: x\n    retries: -1\n",
            error: "4:14: 'retries' must be a whole number >= 0, found '-1'"
        ),
        Case(
            name: "missing name",
            yaml: "jobs:\n  - runs: x\n",
            error: "2:5: a job is missing 'name'",
            hint: "Add 'name:' with a unique name, such as 'name: build'."
        ),
        Case(
            name: "missing runs",
            yaml: "jobs:\n  - name: a\n",
            error: "2:5: job 'a' is missing 'runs'",
            hint: "Add 'runs:' with the shell script the job runs, such as 'runs: make'."
        ),
        Case(
            name: "missing runs in mapping of jobs",
            yaml: "jobs:\n  a:\n",
            error: "2:3: job 'a' is missing 'runs'"
        ),
        Case(
            name: "blank runs",
            yaml: "jobs:\n  - name: a\n    runs: \"  \"\n",
            error: "3:11: 'runs' must be a script, found '  '"
        ),
        Case(
            name: "name with a space",
            yaml: "jobs:\n  - name: build app\n    runs: x\n",
            error: "2:11: invalid job name 'build app'",
            hint: "Use letters, digits, '-', '_' and '.', with at least one character that is not '.'."
        ),
        Case(
            name: "name of dots",
            yaml: "jobs:\n  - name: ..\n    runs: x\n",
            error: "2:11: invalid job name '..'"
        ),
        Case(
            name: "name not a string",
            yaml: "jobs:\n  - name: [a]\n    runs: x\n",
            error: "2:11: 'name' must be a string, found a list"
        ),
        Case(
            name: "duplicate job in list",
            yaml: "jobs:\n  - name: a\n    runs: x\n  - name: a\n    runs: y\n",
            error: "4:11: duplicate job name 'a', first used on line 2",
            hint: "Rename one of the two jobs; job names must be unique."
        ),
        Case(
            name: "duplicate job in mapping",
            yaml: "jobs:\n  a: {runs: x}\n  b: {runs: y}\n  a: {runs: z}\n",
            error: "4:3: duplicate job name 'a', first used on line 2"
        ),
        Case(
            name: "mapping key and name differ",
            yaml: "jobs:\n  a: {name: b, runs: x}\n",
            error: "2:13: job 'a' has a different 'name', 'b'"
        ),
        Case(
            name: "needs names no job",
            yaml: "jobs:\n  - {name: build, runs: x}\n  - {name: test, runs: y, needs: [biuld]}\n",
            error: "3:35: job 'test' needs 'biuld', but no job has that name",
            hint: "Did you mean 'build'?"
        ),
        Case(
            name: "needs names nothing close",
            yaml: "jobs:\n  - {name: build, runs: x}\n  - {name: test, runs: y, needs: deploy}\n",
            error: "3:34: job 'test' needs 'deploy', but no job has that name",
            hint: "List the name of a job in this workflow."
        ),
        Case(
            name: "needs as a mapping",
            yaml: "jobs:\n  - {name: a, runs: x, needs: {b: c}}\n",
            error: "2:31: 'needs' must be a string or a list of strings, found a mapping"
        ),
        Case(
            name: "job needs itself",
            yaml: "jobs:\n  - {name: a, runs: x, needs: a}\n",
            error: "2:5: dependency cycle: a -> a",
            hint: "A job cannot need itself. Remove 'a' from its 'needs'."
        ),
        Case(
            name: "cycle of two",
            yaml: "jobs:\n  - {name: build, runs: x, needs: test}\n  - {name: test, runs: y, needs: build}\n",
            error: "2:5: dependency cycle: build -> test -> build",
            hint: "Each job in the cycle needs the next one. Remove one of these 'needs' entries."
        ),
        Case(
            name: "cycle of three starts at first job",
            yaml: """
                jobs:
                  - {name: ok, runs: x}
                  - {name: c, runs: x, needs: [a, ok]}
                  - {name: b, runs: x, needs: c}
                  - {name: a, runs: x, needs: b}

                """,
            error: "3:5: dependency cycle: c -> a -> b -> c"
        ),
        Case(
            name: "glob leaves workspace",
            yaml: "jobs:\n  - name: a\n    runs: x\n    inputs: [src/**, ../x]\n",
            error: "4:22: invalid glob '../x': '..' leads outside the workspace",
            hint: "Globs can only name files inside the workspace root, so move the files into it."
        ),
        Case(
            name: "absolute artifact glob",
            yaml: "jobs:\n  - name: a\n    runs: x\n    artifacts: /tmp/out\n",
            error: "4:16: invalid glob '/tmp/out': an absolute path is outside the workspace"
        ),
        Case(
            name: "empty glob",
            yaml: "jobs:\n  - name: a\n    runs: x\n    inputs: ['']\n",
            error: "4:14: invalid glob '': the pattern is empty"
        ),
        Case(
            name: "invalid timeout",
            yaml: "jobs:\n  - name: a\n    runs: x\n    timeout: 10 minutes\n",
            error: "4:14: 'timeout' must be a duration, found '10 minutes'",
            hint: "Write seconds ('90') or a number with a unit: '500ms', '10s', '5m', '1h'."
        ),
        Case(
            name: "zero timeout",
            yaml: "jobs:\n  - name: a\n    runs: x\n    timeout: 0s\n",
            error: "4:14: 'timeout' must be a duration greater than 0, found '0s'"
        ),
        Case(
            name: "zero default timeout",
            yaml: "defaults: {timeout: 0}\njobs: [{name: a, runs: x}]\n",
            error: "1:21: 'timeout' must be a duration greater than 0, found '0'"
        ),
        Case(
            name: "backoff factor below one",
            yaml: "jobs:\n  - name: a\n    runs: x\n    backoff: {factor: 0.5}\n",
            error: "4:23: 'factor' must be a number >= 1, found '0.5'"
        ),
        Case(
            name: "backoff unknown key",
            yaml: "jobs:\n  - name: a\n    runs: x\n    backoff: {initial: 1s, maximum: 1m}\n",
            error: "4:28: unknown key 'maximum' in 'backoff'",
            hint: "Valid keys are 'initial', 'factor', 'max'."
        ),
        Case(
            name: "invalid backoff duration",
            yaml: "jobs:\n  - name: a\n    runs: x\n    backoff: {initial: soon}\n",
            error: "4:24: 'initial' must be a duration, found 'soon'"
        ),
        Case(
            name: "cache not a Boolean",
            yaml: "jobs:\n  - name: a\n    runs: x\n    cache: yes\n",
            error: "4:12: 'cache' must be true or false, found 'yes'"
        ),
        Case(
            name: "env value is a list",
            yaml: "env:\n  A: [1]\njobs:\n  - {name: a, runs: x}\n",
            error: "2:6: 'A' in 'env' must be a string, number or Boolean, found a list"
        ),
        Case(
            name: "env name with equals sign",
            yaml: "env:\n  'A=B': c\njobs:\n  - {name: a, runs: x}\n",
            error: "2:3: invalid environment variable name 'A=B' in 'env'"
        ),
        Case(
            name: "defaults unknown key",
            yaml: "defaults:\n  env: {}\njobs:\n  - {name: a, runs: x}\n",
            error: "2:3: unknown key 'env' in 'defaults'",
            hint: "Valid keys are 'retries', 'backoff', 'timeout', 'cache'."
        ),
        Case(
            name: "duplicate key",
            yaml: "jobs:\n  - name: a\n    runs: x\n    runs: y\n",
            error: "4:5: duplicate key 'runs', first written on line 3"
        ),
        Case(
            name: "empty file",
            yaml: "",
            error: "1:1: the workflow file is empty"
        ),
        Case(
            name: "only comments",
            yaml: "# nothing yet\n",
            error: "1:1: the workflow file is empty"
        ),
        Case(
            name: "top level is a list",
            yaml: "- a\n- b\n",
            error: "1:1: the workflow must be a mapping with a 'jobs' key, found a list"
        ),
        Case(
            name: "no jobs key",
            yaml: "env: {A: b}\n",
            error: "1:1: the workflow has no jobs"
        ),
        Case(
            name: "empty jobs list",
            yaml: "jobs: []\n",
            error: "1:7: the workflow has no jobs",
            hint: "Add a 'jobs' list with at least one job that has a 'name' and a 'runs' script."
        ),
        Case(
            name: "jobs without value",
            yaml: "jobs:\n",
            error: "1:6: the workflow has no jobs"
        ),
        Case(
            name: "job is a scalar",
            yaml: "jobs: [build]\n",
            error: "1:8: 'jobs' must be a mapping with 'name' and 'runs' for each job, found 'build'"
        ),
        Case(
            name: "YAML syntax error",
            yaml: "jobs:\n  - name: a\n    runs: x\n   bad: [\n",
            error: "4:4: invalid YAML: did not find expected '-' indicator "
                + "(while parsing a block collection at line 2, column 3)"
        ),
        Case(
            name: "tab indentation",
            yaml: "jobs:\n\t- name: a\n",
            error: "2:1: invalid YAML: found character that cannot start any token "
                + "(while scanning for the next token at line 2, column 1)"
        ),
        Case(
            name: "unknown alias",
            yaml: "jobs:\n  - name: a\n    runs: *script\n",
            error: "3:11: unknown alias '*script'",
            hint: "Define the anchor with '&script' on a value before this alias uses it."
        ),
        Case(
            name: "merge of a scalar",
            yaml: "jobs:\n  - name: a\n    runs: x\n    <<: 5\n",
            error: "4:9: a '<<' merge needs a mapping or a list of mappings, found '5'"
        ),
        Case(
            name: "second document",
            yaml: "jobs: [{name: a, runs: x}]\n---\njobs: []\n",
            error: "2:1: the workflow file has more than one YAML document"
        ),
    ]

    @Test(arguments: cases)
    func invalidWorkflow(_ testCase: Case) {
        #expect {
            try WorkflowLoader.load(text: testCase.yaml, file: "workflow.yml", root: "/w")
        } throws: { error in
            guard let error = error as? WorkflowError else {
                return false
            }
            let location = error.location.map { "\($0.line):\($0.column)" } ?? "-"
            #expect("\(location): \(error.message)" == testCase.error)
            #expect(error.location?.file ?? "workflow.yml" == "workflow.yml")
            #expect(error.hint != nil)
            if let hint = testCase.hint {
                #expect(error.hint == hint)
            }
            return true
        }
    }

    @Test func fileNotFound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = "\(directory.path)/missing.yml"

        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(file: file)
        }
        #expect(error?.message == "workflow file '\(file)' not found")
        #expect(error?.location == nil)
        #expect(error?.hint == "Run dagrun in the folder that holds workflow.yml, or pass the file's path with -f.")
    }

    @Test func fileIsFolder() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(file: directory.path)
        }
        #expect(error?.message == "cannot read workflow file '\(directory.path)': it is a folder")
    }

    @Test func fileNotReadable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = try directory.write("workflow.yml", "jobs: [{name: a, runs: x}]\n")
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: file)
        // Root reads every file, so the check only means something for other users.
        guard !FileManager.default.isReadableFile(atPath: file) else {
            return
        }

        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(file: file)
        }
        #expect(error?.message == "cannot read workflow file '\(file)': Permission denied")
        #expect(error?.hint == "Check that the file is readable by the current user.")
    }

    @Test func invalidUTF8() throws {
        let bytes: [UInt8] = Array("jobs: [{name: a, runs: \"".utf8) + [0xFF, 0xFE] + Array("\"}]\n".utf8)
        let error = #expect(throws: WorkflowError.self) {
            try WorkflowLoader.load(bytes: bytes, file: "workflow.yml", root: "/w")
        }
        #expect(error?.message.hasPrefix("invalid YAML: invalid leading UTF-8 octet") == true)
    }
}
