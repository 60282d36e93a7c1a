using System.CommandLine;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// What `run` refuses before any memory verdict: a file where the sweep's folder goes, a device this machine lacks, a sweep
/// another process holds, and a --resume's own refusals (<see cref="ResumeRefusals"/>: a changed spec, a lost table). Fewer seeds or
/// a smaller batch would not mend them, so a user told to shrink the sweep met them next. Loading checks each run's memory
/// (the groups --jobs trains at once are checked after these refusals); a file refused only for that is shown to these
/// refusals by the load itself, before it throws, so the file is read once.
/// </summary>
internal static class RunRefusals
{
    /// <summary>Loads `run`'s file with each run's memory checked against <paramref name="memory"/>; a file refused only for
    /// that is refused instead for a file in its folder's way, a missing device, a held sweep or what the resume refuses, where
    /// it has one (in the order `run` says them for a sweep whose groups are too large together).</summary>
    /// <param name="resume">`run --resume`: its refusals (a changed spec, a lost table) are said before the memory, as a
    /// group's are (<see cref="MachineMemoryCheck"/>). It is not refused for the memory of the runs it skips as completed
    /// (<see cref="CompletedEarlier"/>), perhaps trained on a machine with more: only for those it trains.</param>
    public static LoadedPipeline Load(PipelineOptions opts, ParseResult r, bool checkAnalysis, MemoryBudget memory, string artifacts, bool resume) =>
        opts.Load(r, checkAnalysis: checkAnalysis, memory: memory, beforeMemoryRefusal: pipeline =>
        {
            var sweepDir = BeforeMemory(pipeline, artifacts);
            // The groups' check asks the same (ResumeRefusals.Pending); the runner's own check comes too late to be said first.
            if (resume) ResumeRefusals.Require(pipeline, sweepDir, pipeline.BaseDirectory);
        }, notTrained: resume ? pipeline => CompletedEarlier.Runs(pipeline, PipelineRunner.SweepDir(pipeline, artifacts)) : null);

    /// <summary>Refuses a sweep whose folder cannot be made under --artifacts <paramref name="artifacts"/> (<see cref="SweepFolder.Problem"/>).</summary>
    /// <exception cref="UsageException">A file is where the sweep's folder, or one above it, goes (exit 2).</exception>
    public static void RequireFolder(string sweepDir, string artifacts)
    {
        if (SweepFolder.Problem(sweepDir, artifacts) is { } inTheWay) throw new UsageException(inTheWay);
    }

    /// <summary>What `run` says before any memory verdict, in its order, whether the runs fit or the load is about to refuse
    /// one for its memory: a file in the sweep folder's way, the analysis's warnings (a smaller run would meet them next), a
    /// device this machine lacks, a held sweep (the runner's lock says it again). Returns the sweep's folder.</summary>
    /// <exception cref="UsageException">A file is where the sweep's folder goes (exit 2).</exception>
    /// <exception cref="Training.DeviceUnavailableException">A run asks for a device this machine lacks (exit 2).</exception>
    /// <exception cref="Artifacts.SweepLockedException">A live process holds the sweep or one of its runs' folders (exit 1).</exception>
    public static string BeforeMemory(LoadedPipeline pipeline, string artifacts)
    {
        var sweepDir = PipelineRunner.SweepDir(pipeline, artifacts);
        RequireFolder(sweepDir, artifacts);
        Errors.Warn(pipeline.SourceName, pipeline.AnalysisWarnings);   // before training, when the sweep can still change
        SweepDevices.Require(pipeline);
        SweepHolds.ThrowIfHeld(pipeline, sweepDir);
        return sweepDir;
    }
}
