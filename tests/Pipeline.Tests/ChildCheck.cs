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
        ["fresh-pool"] = () => ParallelTokenizerTests.FreshPool() ? 0 : 1,   // the first check's guard alone
    };

    public static int Main(string[] args) => args is [var name] && Checks.TryGetValue(name, out var check) ? check() : 2;

    /// <summary>Runs check <paramref name="name"/> in a fresh process (at most <paramref name="timeout"/>), without the
    /// runtime's thread-pool settings: DOTNET_ThreadPool_ForceMinWorkerThreads (or its COMPlus_ spelling) in the caller's
    /// environment raises the pool's minimum from the start, and the check is of our code, not of that environment.</summary>
    /// <param name="extra">Variables set for the child beside those it inherits, as a caller's environment would have them.</param>
    public static (int Exit, string Out, string Err) Run(string name, TimeSpan timeout, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var dll = typeof(ChildCheck).Assembly.Location;
        var environment = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>());
        foreach (var variable in Environment.GetEnvironmentVariables().Keys.Cast<string>().Concat(environment.Keys).Where(IsPoolSetting).ToList())
            environment[variable] = null;   // unset
        using var child = CliProcess.StartProgram(Path.GetDirectoryName(dll)!, environment, CliProcess.DotnetHost, "exec", dll, name);
        return child.WaitForExit(timeout);
    }

    /// <summary>A setting of the runtime's thread pool (DOTNET_ThreadPool_*, COMPlus_ThreadPool_*; any case, to be safe).</summary>
    static bool IsPoolSetting(string variable) =>
        variable.StartsWith("DOTNET_ThreadPool_", StringComparison.OrdinalIgnoreCase) || variable.StartsWith("COMPlus_ThreadPool_", StringComparison.OrdinalIgnoreCase);
}
