import Foundation

/// The formats `JobGraph.render(_:)` writes.
public enum GraphFormat: String, Sendable, CaseIterable {
    /// One line per job in topological order, with the jobs it needs.
    case text
    /// Graphviz DOT, with edges from each job to the jobs that need it.
    case dot
    /// A Mermaid flowchart, with edges from each job to the jobs that need it.
    case mermaid
}

extension JobGraph {
    /// Renders the graph in `format`, jobs in topological order, ending with a newline.
    public func render(_ format: GraphFormat) -> String {
        switch format {
        case .text:
            return renderText()
        case .dot:
            return renderDOT()
        case .mermaid:
            return renderMermaid()
        }
    }

    /// Writes each job on its own line, padded so the jobs it needs line up in a column:
    ///
    ///     lint
    ///     build  needs lint
    ///     test   needs build, lint
    private func renderText() -> String {
        let order = topologicalOrder
        let width = order.map(\.rawValue.count).max() ?? 0
        var lines: [String] = []
        for name in order {
            let needs = needs(of: name)
            if needs.isEmpty {
                lines.append(name.rawValue)
            } else {
                let padding = String(repeating: " ", count: width - name.rawValue.count)
                lines.append("\(name)\(padding)  needs " + needs.map(\.rawValue).joined(separator: ", "))
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    private func renderDOT() -> String {
        let quote = { (name: Job.Name) in
            "\"" + name.rawValue.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines = ["digraph workflow {", "  rankdir=LR;"]
        for name in topologicalOrder {
            lines.append("  \(quote(name));")
        }
        for name in topologicalOrder {
            for need in needs(of: name) {
                lines.append("  \(quote(need)) -> \(quote(name));")
            }
        }
        lines.append("}")
        return lines.map { $0 + "\n" }.joined()
    }

    /// Nodes get the ids `j0`, `j1`, ... in topological order, with the job name as the label,
    /// because Mermaid reserves some words (such as `end`) and some characters as node ids.
    private func renderMermaid() -> String {
        let order = topologicalOrder
        var ids: [Job.Name: String] = [:]
        var lines = ["flowchart LR"]
        for (position, name) in order.enumerated() {
            let id = "j\(position)"
            ids[name] = id
            lines.append("  \(id)[\"\(name.rawValue.replacingOccurrences(of: "\"", with: "#quot;"))\"]")
        }
        for name in order {
            for need in needs(of: name) {
                if let needID = ids[need], let id = ids[name] {
                    lines.append("  \(needID) --> \(id)")
                }
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }
}
