using System.CommandLine;
using Retention.Host.Commands;

namespace Retention.Host;

/// <summary>The command tree of `pipeline`; each command's work lives in Commands/.</summary>
public static class Cli
{
    public static RootCommand Build() => new("Rare-task retention experiments: declare them in YAML, run them, query the Arrow artifacts with SQL.")
    {
        RunCommand.Build(),
        ValidateCommand.Build(),
        QueryCommand.Build(),
        AnalyzeCommand.Build(),
        BenchCommand.Build(),
        DataCommand.Build(),
        AdviseCommand.Build(),
        ProbeCommand.Build(),
        SubmitCommand.Build(),
        StatusCommand.Build(),
        TaskCommand.Build(),
    };
}
