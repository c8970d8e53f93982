import Engine

/// `dagrun graph`: prints the DAG as text, Graphviz DOT or Mermaid.
enum GraphCommand {
    static func run(format: Invocation.GraphFormatName, context: CommandContext) throws -> Int32 {
        let workflow = try context.loadWorkflow()
        let graph = JobGraph(workflow)
        let rendered: String
        switch format {
        case .text: rendered = graph.render(.text)
        case .dot: rendered = graph.render(.dot)
        case .mermaid: rendered = graph.render(.mermaid)
        }
        context.console.write(rendered.hasSuffix("\n") ? rendered : rendered + "\n", to: .output)
        return 0
    }
}
