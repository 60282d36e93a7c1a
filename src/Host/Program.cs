using System.CommandLine;
using Retention.Host;
using Retention.Host.Commands;
using Retention.Training;

// `pipeline`: declare retention experiments in YAML, run them, query what they wrote.
CpuAllocator.KeepFreedMemory();   // before any tensor: per-step page faults cost CPU runs up to 4x
var parse = Cli.Build().Parse(args);
if (UsageErrors.Of(parse) is { Count: > 0 } usage)
{
    // A usage error is invalid input (exit 2), not a failed run (System.CommandLine's default is 1).
    foreach (var error in usage) Console.Error.WriteLine($"error: {error}");
    Console.Error.WriteLine($"see `{string.Join(' ', ["pipeline", .. CommandNames(parse), "--help"])}`");
    return ExitCodes.Invalid;
}
// Not disposed: its handlers stay until the process is gone, so a signal in the moments the runtime takes to exit after the
// command is ignored (everything is written) rather than ending the process as the default action does (exit 143).
var interrupt = Interrupt.Install(string.Join(' ', CommandNames(parse)));
int exit = await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupt.Token);
interrupt.CommandEnded();
return exit;

/// <summary>The names of the command given, after `pipeline` (["data", "tokenize"]).</summary>
static List<string> CommandNames(ParseResult parse)
{
    var names = new List<string>();
    for (System.CommandLine.Parsing.SymbolResult? r = parse.CommandResult; r is System.CommandLine.Parsing.CommandResult c; r = c.Parent)
        if (c.Command is not RootCommand) names.Insert(0, c.Command.Name);
    return names;
}
