import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TestSupport

/// Failures, retries, -k, machine-readable output and exit statuses of `dagrun run`.
@Suite struct RunFailureTests {
    private func workspace(_ workflow: String, test: String = #function) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory(test)
        try folder.write("workflow.yml", workflow)
        return folder
    }

    @Test func failedJobExitsOneWithLogTail() async throws {
        let folder = try workspace("""
            jobs:
              - name: broken
                runs: |
                  echo "compiling"
                  echo "error: missing semicolon" >&2
                  exit 3
              - name: after
                needs: [broken]
                runs: echo never
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: folder.path)

        #expect(result.status == 1)
        #expect(result.output.contains("broken: FAILED: exited with status 3"))
        #expect(result.output.contains("broken | error: missing semicolon"))
        #expect(result.output.contains("after: skipped, because it needs broken, which did not succeed"))
        #expect(result.outputLines.last?.hasPrefix("pipeline failed (broken): 0 ran, 0 cached, 1 failed, 1 skipped") == true)
        #expect(try folder.read(".dagrun/logs/broken.log").contains("compiling"))
    }

    @Test func failedJobKeepsPreviousArtifacts() async throws {
        let folder = try workspace("""
            jobs:
              - name: make
                runs: |
                  mkdir -p out
                  echo "$(cat version)" > out/v.txt
                  test "$(cat version)" != bad
                inputs: [version]
                artifacts: [out/**]
            """)
        defer { folder.remove() }
        try folder.write("version", "1")
        #expect(try await CommandRunner.dagrun(["run"], in: folder.path).status == 0)

        try folder.write("version", "bad")
        let failed = try await CommandRunner.dagrun(["run"], in: folder.path)

        #expect(failed.status == 1)
        #expect(try folder.read("artifacts/make/v.txt") == "1\n")
        // Nothing was recorded for the failed key: it runs, and fails, again.
        #expect(try await CommandRunner.dagrun(["run"], in: folder.path).output.contains("make: FAILED"))
    }

    @Test func retryPrintsDelayThenSucceeds() async throws {
        let folder = try workspace("""
            jobs:
              - name: flaky
                runs: |
                  count=$(cat count 2>/dev/null || echo 0)
                  echo $((count + 1)) > count
                  test "$count" -ge 2
                retries: 3
                backoff: {initial: 10ms, factor: 2, max: 40ms}
                cache: false
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: folder.path)

        #expect(result.status == 0)
        let retries = result.outputLines.filter { $0.contains("retrying in") }
        #expect(retries.count == 2)
        #expect(retries.first?.hasPrefix("flaky: attempt 1 of 4 failed (exited with status 1); retrying in 0.0") == true)
        #expect(result.output.contains("flaky: succeeded on attempt 3 in "))
    }

    @Test func keepGoingRunsIndependentJobs() async throws {
        let folder = try workspace("""
            jobs:
              - name: fails
                runs: exit 1
              - name: independent
                runs: sleep 0.2; echo ok
            """)
        defer { folder.remove() }

        let stopped = try await CommandRunner.dagrun(["run", "-j", "1"], in: folder.path)
        #expect(stopped.status == 1)
        #expect(stopped.output.contains("independent: skipped, because fails failed (use -k to keep going)"))

        let kept = try await CommandRunner.dagrun(["run", "-j", "1", "-k"], in: folder.path)
        #expect(kept.status == 1)
        #expect(kept.output.contains("independent: succeeded"))
        #expect(kept.output.contains("independent | ok"))
    }

    @Test func jsonPrintsOneObjectPerLine() async throws {
        let folder = try workspace("""
            jobs:
              - name: one
                runs: echo hi
              - name: two
                needs: [one]
                runs: exit 2
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run", "--json"], in: folder.path)

        #expect(result.status == 1)
        let all = try result.outputLines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        // Job output comes as "output" events between the others.
        let output = all.filter { $0["event"] as? String == "output" }
        #expect(output.map { $0["line"] as? String } == ["hi"])
        let objects = all.filter { $0["event"] as? String != "output" }
        #expect(objects.map { $0["event"] as? String } == ["started", "succeeded", "started", "failed", "finished"])
        #expect(objects[3]["job"] as? String == "two")
        #expect(objects[3]["reason"] as? String == "exited with status 2")
        #expect(objects[4]["failed"] as? [String] == ["two"])
        #expect(objects[4]["success"] as? Bool == false)
    }

    @Test func junitReportListsEachJob() async throws {
        let folder = try workspace("""
            jobs:
              - name: good
                runs: "true"
              - name: bad
                runs: echo "x < y" >&2; exit 1
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run", "-k", "--junit", "report.xml"], in: folder.path)

        #expect(result.status == 1)
        let xml = try folder.read("report.xml")
        #expect(xml.contains(#"<testsuite name="dagrun" tests="2" failures="1" skipped="0""#))
        #expect(xml.contains(#"<testcase classname="dagrun" name="good""#))
        #expect(xml.contains(#"<failure message="exited with status 1">x &lt; y</failure>"#))
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "report.xml is not well-formed XML")
    }

    @Test func exitOneHundredThirtyFromJobIsFailure() async throws {
        let folder = try workspace("""
            jobs:
              - name: pretends
                runs: exit 130
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: folder.path)

        #expect(result.status == 1)
        #expect(result.output.contains("pretends: FAILED: exited with status 130"))
    }

    @Test func longOutputBlockPointsToLog() async throws {
        let folder = try workspace("""
            jobs:
              - name: chatty
                runs: seq 1 300
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["run"], in: folder.path)

        let block = result.outputLines.filter { $0.hasPrefix("chatty | ") }
        #expect(block.count == 201)
        #expect(block.first == "chatty | 1")
        #expect(block[199] == "chatty | 200")
        #expect(block.last == "chatty | (100 more lines in .dagrun/logs/chatty.log)")
        #expect(try folder.read(".dagrun/logs/chatty.log").contains("\n300\n"))
    }

    @Test func verboseStreamsEveryLine() async throws {
        let folder = try workspace("""
            jobs:
              - name: chatty
                runs: seq 1 300
            """)
        defer { folder.remove() }

        let result = try await CommandRunner.dagrun(["-v", "run"], in: folder.path)

        #expect(result.outputLines.filter { $0.hasPrefix("chatty | ") }.count == 300)
    }
}
