using Retention.Cluster;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// What `submit` warns of before it queues anything: the analysis's warnings, GPUs asked for and not used (or used and not
/// asked for), an --analysis-time without an analysis job, a build without DuckDB. Each holds whatever --mem is given, so
/// they are said before a refusal for a run's memory too, not met only after a larger --mem.
/// </summary>
static class SubmitWarnings
{
    /// <summary>Writes them to stderr.</summary>
    public static void Say(LoadedPipeline pipeline, SlurmResources resources)
    {
        Errors.Warn(pipeline.SourceName, pipeline.AnalysisWarnings);   // as `run` does, before the jobs are queued
        if (resources.GpusPerRun == 0 && pipeline.Runs.Any(run => run.Spec.Device.StartsWith("cuda", StringComparison.Ordinal)))
            Console.Error.WriteLine("warning: the runs use device cuda but --gpus-per-run is 0: the tasks get a GPU only where the " +
                "partition gives one by default (give --gpus-per-run 1)");
        // Asked for, not refused: a node's GPU may serve something else the user runs there; but the runs will not use it.
        if (resources.GpusPerRun > 0 && pipeline.Runs.Any(run => run.Spec.Device == "cpu"))
            Console.Error.WriteLine($"warning: --gpus-per-run {resources.GpusPerRun} asks Slurm for GPUs (--gres=gpu:{resources.GpusPerRun}) " +
                "but the runs use device cpu and will not use them (set device: cuda or auto, or give --gpus-per-run 0)");
        // The analysis job runs this same program, which reads the artifacts with DuckDB: from a small GPU publish
        // without it the tasks train but that job fails on the cluster, hours later.
        bool withoutAnalysis = !SweepSubmitter.QueuesAnalysisJob(pipeline);
        if (withoutAnalysis && resources.AnalysisTime is not null)
            Console.Error.WriteLine($"note: --analysis-time {resources.AnalysisTime} limits no job: the pipeline declares no analysis, so none is queued");
        if (!withoutAnalysis && !Retention.Artifacts.DuckDbLibrary.Available)
            Console.Error.WriteLine("warning: this build has no DuckDB (libduckdb.so, left out of a small GPU publish): the tasks " +
                "train, but the analysis job, which runs this program, will fail; submit from the full build, or run " +
                "`pipeline analyze` on the sweep where it is once the array has ended");
    }
}
