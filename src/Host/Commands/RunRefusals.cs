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
    /// group's are (<see cref="MachineMemoryCheck"/>).</param>
    public static LoadedPipeline Load(PipelineOptions opts, ParseResult r, bool checkAnalysis, MemoryBudget memory, string artifacts, bool resume) =>
        opts.Load(r, checkAnalysis: checkAnalysis, memory: memory, beforeMemoryRefusal: pipeline =>
        {
            var sweepDir = PipelineRunner.SweepDir(pipeline, artifacts);
            RequireFolder(sweepDir, artifacts);
            // Said where run says them when the runs fit, before the device and the holder: a smaller run would meet them next.
            Errors.Warn(pipeline.SourceName, pipeline.AnalysisWarnings);
            BeforeMemory(pipeline, sweepDir);
            // The groups' check asks the same (ResumeRefusals.Pending); the runner's own check comes too late to be said first.
            if (resume) ResumeRefusals.Require(pipeline, sweepDir, pipeline.BaseDirectory);
        });

    /// <summary>Refuses a sweep whose folder cannot be made under --artifacts <paramref name="artifacts"/> (<see cref="SweepFolder.Problem"/>).</summary>
    /// <exception cref="UsageException">A file is where the sweep's folder, or one above it, goes (exit 2).</exception>
    public static void RequireFolder(string sweepDir, string artifacts)
    {
        if (SweepFolder.Problem(sweepDir, artifacts) is { } inTheWay) throw new UsageException(inTheWay);
    }

    /// <summary>Refuses a sweep this machine cannot train whatever its memory (the runner's lock says the held sweep again).</summary>
    /// <exception cref="Training.DeviceUnavailableException">A run asks for a device this machine lacks (exit 2).</exception>
    /// <exception cref="Artifacts.SweepLockedException">A live process holds the sweep or one of its runs' folders (exit 1).</exception>
    public static void BeforeMemory(LoadedPipeline pipeline, string sweepDir)
    {
        SweepDevices.Require(pipeline);
        SweepHolds.ThrowIfHeld(pipeline, sweepDir);
    }
}
