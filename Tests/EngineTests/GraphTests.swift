import Testing
@testable import Engine

@Suite struct GraphTests {
    /// Builds a workflow from `(name, needs)` pairs in file order.
    private func graph(_ jobs: [(Job.Name, [Job.Name])]) -> JobGraph {
        let workflow = Workflow(
            file: "workflow.yml",
            root: "/w",
            jobs: jobs.map { Job(name: $0.0, script: "true", needs: $0.1) }
        )
        return JobGraph(workflow)
    }

    /// a -> b, a -> c, b -> d, c -> d, written in an order that is not topological.
    private var diamond: JobGraph {
        graph([("d", ["b", "c"]), ("c", ["a"]), ("b", ["a"]), ("a", [])])
    }

    @Test func diamondOrder() {
        #expect(diamond.topologicalOrder == ["a", "c", "b", "d"])
        #expect(diamond.needs(of: "d") == ["b", "c"])
        #expect(diamond.needs(of: "a") == [])
        #expect(diamond.needs(of: "missing") == [])
    }

    @Test func diamondClosure() {
        #expect(diamond.closure(of: ["b"]) == ["a", "b"])
        #expect(diamond.closure(of: ["d"]) == ["a", "c", "b", "d"])
        #expect(diamond.closure(of: ["b", "c"]) == ["a", "c", "b"])
        #expect(diamond.closure(of: []) == [])
        #expect(diamond.closure(of: ["missing"]) == [])
    }

    @Test func diamondDependents() {
        #expect(diamond.dependents(of: ["a"]) == ["a", "c", "b", "d"])
        #expect(diamond.dependents(of: ["b"]) == ["b", "d"])
        #expect(diamond.dependents(of: ["d"]) == ["d"])
        #expect(diamond.dependents(of: ["b", "c"]) == ["c", "b", "d"])
        #expect(diamond.dependents(of: []) == [])
    }

    @Test func wideGraphKeepsFileOrder() {
        let names = (0..<50).map { Job.Name("job\($0)") }
        let wide = graph(names.map { ($0, []) } + [("all", names)])
        #expect(wide.topologicalOrder == names + ["all"])
        #expect(wide.closure(of: ["job7"]) == ["job7"])
        #expect(wide.dependents(of: ["job7"]) == ["job7", "all"])
    }

    @Test func readyJobsComeInFileOrder() {
        // Once "z" is done, "y" and "x" become ready; "y" is earlier in the file.
        let graph = graph([("y", ["z"]), ("z", []), ("x", ["z"]), ("w", [])])
        #expect(graph.topologicalOrder == ["z", "y", "x", "w"])
    }

    @Test func longChain() {
        let names = (0..<2000).map { Job.Name("step\($0)") }
        let chain = graph(names.enumerated().reversed().map { index, name in
            (name, index == 0 ? [] : [names[index - 1]])
        })
        #expect(chain.topologicalOrder == names)
        #expect(chain.closure(of: ["step3"]) == ["step0", "step1", "step2", "step3"])
        #expect(chain.dependents(of: ["step1997"]) == ["step1997", "step1998", "step1999"])
        #expect(chain.firstCycle() == nil)
    }

    @Test(arguments: [
        ([("a", ["a"])], ["a"]),
        ([("a", ["b"]), ("b", ["a"])], ["a", "b"]),
        ([("b", ["a"]), ("a", ["c"]), ("c", ["b"])], ["b", "a", "c"]),
        ([("ok", []), ("c", ["ok", "a"]), ("a", ["b"]), ("b", ["c"])], ["c", "a", "b"]),
        ([("x", ["y"]), ("y", ["z"]), ("z", ["y"])], ["y", "z"]),
    ] as [([(Job.Name, [Job.Name])], [Job.Name])])
    func cycleIsFound(jobs: [(Job.Name, [Job.Name])], cycle: [Job.Name]) {
        #expect(graph(jobs).firstCycle() == cycle)
    }

    @Test func noCycleInDiamond() {
        #expect(diamond.firstCycle() == nil)
    }

    @Test func unknownNeedsAreSkipped() {
        let graph = graph([("a", ["ghost"]), ("b", ["a"])])
        #expect(graph.topologicalOrder == ["a", "b"])
        #expect(graph.needs(of: "a") == [])
        #expect(graph.firstCycle() == nil)
    }

    @Test func cycleLeavesJobsOutOfOrder() {
        let graph = graph([("a", []), ("b", ["c"]), ("c", ["b"]), ("d", ["a"])])
        #expect(graph.topologicalOrder == ["a", "d"])
    }

    @Test func rendersText() {
        #expect(diamond.render(.text) == """
            a
            c  needs a
            b  needs a
            d  needs b, c

            """)
    }

    @Test func rendersDOT() {
        #expect(diamond.render(.dot) == """
            digraph workflow {
              rankdir=LR;
              "a";
              "c";
              "b";
              "d";
              "a" -> "c";
              "a" -> "b";
              "b" -> "d";
              "c" -> "d";
            }

            """)
    }

    @Test func rendersMermaid() {
        let graph = graph([("end", []), ("build.x", ["end"])])
        #expect(graph.render(.mermaid) == """
            flowchart LR
              j0["end"]
              j1["build.x"]
              j0 --> j1

            """)
    }

    @Test(arguments: GraphFormat.allCases)
    func rendersSingleJob(format: GraphFormat) {
        let output = graph([("only", [])]).render(format)
        #expect(output.contains("only"))
        #expect(output.hasSuffix("\n"))
    }
}
