using System.Diagnostics;
using Retention.Tests.Data;
using Retention.Tests.Host;

namespace Retention.Tests;

/// <summary>
/// The test assembly's entry point, for checks that need a process of their own (`dotnet Pipeline.Tests.dll NAME`): the
/// thread pool is process-wide, and a minimum an earlier test raised stays raised (nothing lowers it), so a check of what
/// the pool does from its start would pass in a whole-suite run whatever the code under test does. Exit 0 when the check
/// holds, 1 when it does not (its stdout says why), 2 for a name it does not know.
/// </summary>
static class ChildCheck
{
    static readonly Dictionary<string, Func<int>> Checks = new(StringComparer.Ordinal)
    {
        ["first-document"] = ParallelTokenizerTests.FirstDocumentWhileEveryWorkerIsBusy,
    };

    public static int Main(string[] args) => args is [var name] && Checks.TryGetValue(name, out var check) ? check() : 2;

    /// <summary>Runs check <paramref name="name"/> in a fresh process (at most <paramref name="timeout"/>).</summary>
    public static (int Exit, string Out, string Err) Run(string name, TimeSpan timeout)
    {
        var dll = typeof(ChildCheck).Assembly.Location;
        using var child = CliProcess.StartProgram(Path.GetDirectoryName(dll)!, null, CliProcess.DotnetHost, "exec", dll, name);
        return child.WaitForExit(timeout);
    }
}
