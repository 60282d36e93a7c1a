using System.CommandLine;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// What `run` refuses before any memory verdict: a device this machine lacks, a sweep another process holds. Fewer seeds or
/// a smaller batch would not mend them, so a user told to shrink the sweep met them next. Loading checks each run's memory
/// (the groups --jobs trains at once are checked after these refusals), so a load refused for memory is looked at again.
/// </summary>
internal static class RunRefusals
{
    /// <summary>Loads `run`'s file with each run's memory checked against <paramref name="memory"/>; a file refused only for
    /// that is refused instead for a missing device or a held sweep, where it has one.</summary>
    public static LoadedPipeline Load(PipelineOptions opts, ParseResult r, bool checkAnalysis, MemoryBudget memory, string artifacts)
    {
        try { return opts.Load(r, checkAnalysis: checkAnalysis, memory: memory); }
        catch (SpecException refused) when (refused.Errors.Any(e => e.Kind == SpecErrorKind.Memory))
        {
            // Loaded again without the memory check, only here, so a run that loads pays for one load. Where that fails too the
            // file has other errors, said as the first load said them; where it loads, the memory errors were the only ones.
            if (WithoutMemory(opts, r, checkAnalysis) is { } pipeline)
                BeforeMemory(pipeline, PipelineRunner.SweepDir(pipeline, artifacts));
            throw;
        }
    }

    /// <summary>Refuses a sweep this machine cannot train whatever its memory (the runner's lock says the held sweep again).</summary>
    /// <exception cref="Training.DeviceUnavailableException">A run asks for a device this machine lacks (exit 2).</exception>
    /// <exception cref="Artifacts.SweepLockedException">A live process holds the sweep or one of its runs' folders (exit 1).</exception>
    public static void BeforeMemory(LoadedPipeline pipeline, string sweepDir)
    {
        SweepDevices.Require(pipeline);
        SweepHolds.ThrowIfHeld(pipeline, sweepDir);
    }

    static LoadedPipeline? WithoutMemory(PipelineOptions opts, ParseResult r, bool checkAnalysis)
    {
        try { return opts.Load(r, checkAnalysis: checkAnalysis, checkResources: false); }
        catch (Exception e) when (Errors.IsUserFacing(e)) { return null; }
    }
}
