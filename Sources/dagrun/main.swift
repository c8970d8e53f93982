import Basics
import Foundation

// The executable only parses arguments and hands over to a command; every command returns
// its exit status, and nothing below this file calls exit().

let environment = ProcessInfo.processInfo.environment
let arguments = Array(CommandLine.arguments.dropFirst())

let invocation: Invocation
do {
    invocation = try InvocationParser.parse(arguments)
} catch {
    let console = Console.standard(verbosity: .normal, colorDisabled: false, environment: environment)
    console.error(error.message)
    if let hint = error.hint {
        console.line("  " + hint, to: .error)
    }
    exit(2)
}

let context = CommandContext(global: invocation.global, environment: environment)
let status = await CommandDispatcher.run(invocation.command, context: context)
exit(status)
