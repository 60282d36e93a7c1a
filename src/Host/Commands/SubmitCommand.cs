using System.CommandLine;
using Retention.Cluster;
using Retention.Messages;

namespace Retention.Host.Commands;

/// <summary>`pipeline submit FILE --slurm`: the sweep as a Slurm job array, and its analysis after it (where the pipeline declares one).</summary>
public static class SubmitCommand
{
    public static Command Build()
    {
        var opts = new PipelineOptions();
        var slurm = new Option<bool>("--slurm") { Description = "Submit to Slurm (the one scheduler supported; required, so the command says where the work goes)." };
        var artifacts = new Option<string>("--artifacts", "-o") { Description = "Artifacts root directory; must be on a file system the cluster's nodes share.", DefaultValueFactory = _ => "artifacts" }
            .NotEmpty("a folder, or leave --artifacts out for artifacts/");
        var partition = new Option<string?>("--partition") { Description = "Slurm partition (default: the cluster's default partition)." };
        var gpus = new Option<int>("--gpus-per-run") { Description = "GPUs per task (--gres=gpu:N); 0 for CPU runs.", DefaultValueFactory = _ => 0 }.AtLeast(SlurmResources.LeastGpusPerRun);
        var cpus = new Option<int>("--cpus-per-run") { Description = "CPU cores per task; also the task's LibTorch threads.", DefaultValueFactory = _ => 1 }.AtLeast(SlurmResources.LeastCpusPerRun);
        var mem = new Option<string?>("--mem") { Description = "Memory per task, e.g. 16G (default: the cluster's)." };
        var time = new Option<string?>("--time") { Description = $"Time limit per task attempt, as Slurm reads it ({SlurmResources.TimeFormats}: 12:00 is twelve minutes); a task warned before it checkpoints and requeues itself." };
        var maxParallel = new Option<int>("--max-parallel") { Description = "Tasks running at once (--array=…%N); 0, the default, = no limit.", DefaultValueFactory = _ => 0 }.AtLeast(SlurmResources.LeastMaxParallel);
        var analysisTime = new Option<string?>("--analysis-time") { Description = "Time limit of the analysis job that runs after the array (same formats as --time); default: the partition's." };
        var lead = new Option<int>("--signal-lead") { Description = "Seconds before the time limit (and on preemption) that Slurm warns a task (--signal=B:USR1@N); it stops, checkpoints and requeues itself within three quarters of it.", DefaultValueFactory = _ => 120 }.AtLeast(SlurmResources.SignalLeadRange);
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete the sweep's earlier results and train every run again (default: submit only the runs missing, failed or interrupted)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the job scripts and the tasks; write and submit nothing." };
        var cmd = new Command("submit", "Submit a pipeline's sweep to a cluster: one array task per run (or per group of synthetic runs trained together), the analysis after them where the pipeline declares one. A resubmission trains only the runs not completed.");
        opts.AddTo(cmd);
        foreach (var o in new Option[] { slurm, artifacts, partition, gpus, cpus, mem, time, analysisTime, maxParallel, lead, overwrite, dryRun }) cmd.Options.Add(o);
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                if (!r.GetValue(slurm)) throw new UsageException("say where to submit: --slurm (the one scheduler supported)");
                var resources = new SlurmResources(r.GetValue(partition), r.GetValue(gpus), r.GetValue(cpus), r.GetValue(mem), r.GetValue(time),
                    r.GetValue(maxParallel), r.GetValue(lead), r.GetValue(analysisTime));
                if (resources.Problems() is { Count: > 0 } problems) throw new UsageException(string.Join("; ", problems));
                foreach (var note in resources.Notes()) Console.Error.WriteLine($"note: {note}");
                bool dry = r.GetValue(dryRun);
                // A dry run asks the scheduler too where it can (an earlier array still queued is refused alike); a laptop without Slurm only plans.
                bool askScheduler = !dry || SlurmClient.Installed();
                // The runs train on the compute nodes, not on this login node: a CPU run's memory is checked against what each
                // task asks Slurm for (--mem), and not at all where that is the cluster's to decide. A run too large for it is
                // refused first for what a larger --mem would not mend, as the tasks' groups are (Plan checks them last).
                var pipeline = resources.TaskMemory is { } taskMemory
                    ? opts.Load(r, memory: taskMemory, beforeMemoryRefusal: p =>
                    {
                        // Said before the refusal: a larger --mem mends none of them, and the user fixes them at once.
                        SubmitWarnings.Say(p, resources);
                        RequireSweepDir(p, r.GetValue(artifacts)!);
                        SweepSubmitter.RefuseBeforeMemory(p, r.GetValue(artifacts)!, r.GetValue(overwrite), askScheduler);
                    },
                    // A resubmission trains only the runs not completed: one completed earlier (perhaps under a larger --mem)
                    // does not refuse it, as it does not refuse `run --resume`.
                    notTrained: p => r.GetValue(overwrite) ? new HashSet<string>()
                        : Retention.Pipeline.CompletedEarlier.Runs(p, Retention.Pipeline.PipelineRunner.SweepDir(p, r.GetValue(artifacts)!)))
                    : opts.Load(r, checkResources: false);
                SubmitWarnings.Say(pipeline, resources);
                RequireSweepDir(pipeline, r.GetValue(artifacts)!);
                var plan = SweepSubmitter.Plan(pipeline, r.GetValue(artifacts)!, resources, Launcher(), r.GetValue(overwrite), askScheduler);
                var s = plan.Submission;
                void WouldMove()
                {
                    if (plan.Dropped.Count > 0)
                        Console.WriteLine($"# {Counted.Of(plan.Dropped.Count, "run")} under runs/ that this sweep does not have ({Listing.FirstFew(plan.Dropped)}) " +
                                          "would be moved to previous/<time>/runs/, as run --resume moves them (a --set forgotten? compare with the sweep's pipeline.yaml)");
                    foreach (var (from, to) in plan.Renamed) Console.WriteLine($"# {from} would continue as {to.RunId} (the same spec; the sweep's keys changed)");
                }
                void Moved(string? setAside)
                {
                    foreach (var (from, to) in plan.Renamed) Console.WriteLine($"{from} continues as {to.RunId} (the same spec; the sweep's keys changed)");
                    if (setAside is not null)
                        Console.WriteLine($"{Counted.Of(plan.Dropped.Count, "run")} no longer in the sweep ({Listing.FirstFew(plan.Dropped)}) kept in {setAside}, " +
                                          "with the analysis over them, so the analysis reads only this sweep's runs");
                }
                if (s.Tasks.Count == 0)
                {
                    // Nothing to train, but the sweep is still this pipeline's: the runs it takes over and drops move as a submission moves them.
                    if (dry) WouldMove();
                    else Moved(await SweepSubmitter.AdoptAsync(plan, pipeline));
                    Console.WriteLine($"{(plan.Runs == 1 ? "the one run" : $"all {plan.Runs} runs")} of {s.SweepDir} completed: nothing to submit (`pipeline analyze {Retention.Pipeline.ShellWords.Quote(s.SweepDir)}` redoes the analysis; --overwrite trains again)");
                    return ExitCodes.Ok;
                }
                string what = $"{Counted.Of(s.Tasks.Count, "task")} for {Counted.Of(s.Tasks.Sum(t => t.Count), "run")}" + (plan.CompletedEarlier > 0 ? $" ({plan.CompletedEarlier} completed earlier, kept)" : "");
                if (dry)
                {
                    Console.WriteLine($"# {what}; would be written to {s.Directory}");
                    if (plan.Overwritten is { } lost) Console.WriteLine($"# --overwrite: {lost} would be deleted once Slurm accepts the array");
                    WouldMove();
                    for (int i = 0; i < s.Tasks.Count; i++) Console.WriteLine($"# task {i}: {string.Join(", ", s.Tasks[i])}");
                    Console.WriteLine($"# --- {SlurmSubmission.ArrayScript}");
                    Console.Write(plan.ArrayScript);
                    if (s.WithoutAnalysis) Console.WriteLine($"# {NoAnalysisJob}");
                    else
                    {
                        Console.WriteLine($"# --- {SlurmSubmission.AnalysisScript} (submitted with --dependency=afterany:<array job>)");
                        Console.Write(plan.AnalysisScript);
                    }
                    return ExitCodes.Ok;
                }
                (s, var setAside) = await SweepSubmitter.SubmitAndSetAsideAsync(plan, pipeline, r.GetValue(overwrite));
                Moved(setAside);
                if (plan.Overwritten is { } deleted) Console.WriteLine($"--overwrite: deleted the earlier {deleted}");
                Console.WriteLine($"submitted {what} as job {s.ArrayJobId}{(resources.MaxParallel > 0 ? $" (at most {resources.MaxParallel} at once)" : "")}" +
                                  (s.WithoutAnalysis ? "" : $"; the analysis is job {s.AnalysisJobId}, after it"));
                if (s.WithoutAnalysis) Console.WriteLine(NoAnalysisJob);
                Console.WriteLine($"logs: {Path.Combine(s.Directory, SlurmSubmission.LogsFolder)}");
                Console.WriteLine($"watch: pipeline status {s.SweepDir}");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                var code = Errors.Report(e);
                opts.NotesAfter(r, e);   // as run and validate: from the text the load read, so a pipe's too
                return code;
            }
        });
        return cmd;
    }

    /// <summary>Refuses, as bad input, a sweep directory #SBATCH lines cannot carry (<see cref="SweepSubmitter.SweepDirProblem"/>)
    /// or whose folder a file is in the way of (as `run` does).</summary>
    /// <exception cref="UsageException">Either (exit 2).</exception>
    static void RequireSweepDir(Retention.Spec.LoadedPipeline pipeline, string artifacts)
    {
        var sweepDir = Path.GetFullPath(Retention.Pipeline.PipelineRunner.SweepDir(pipeline, artifacts));
        if (SweepSubmitter.SweepDirProblem(sweepDir) is { } problem) throw new UsageException(problem);
        RunRefusals.RequireFolder(sweepDir, artifacts);
    }

    /// <summary>What `submit` says of a pipeline without an analysis section, which gets no analysis job.</summary>
    const string NoAnalysisJob = "no analysis job: the pipeline declares no analysis; query the runs once they end (`pipeline status` shows how far they are)";

    /// <summary>How a node starts this same program: the apphost, or `dotnet pipeline.dll` when run through dotnet.</summary>
    static IReadOnlyList<string> Launcher()
    {
        var process = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell which program is running");
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry) ? [process, entry] : [process];
    }
}
