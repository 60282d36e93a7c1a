using System.CommandLine;
using Retention.Analysis;
using Retention.Host.Output;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Training;

namespace Retention.Host.Commands;

/// <summary>`pipeline run FILE`: train every run of the sweep, then the analysis.</summary>
public static class RunCommand
{
    public static Command Build()
    {
        var opts = new PipelineOptions();
        var artifacts = new Option<string>("--artifacts", "-o") { Description = "Artifacts root directory.", DefaultValueFactory = _ => "artifacts" }
            .NotEmpty("a folder, or leave --artifacts out for artifacts/");
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core). Default 1: faster for the synthetic grids and safe on a busy machine.", DefaultValueFactory = _ => 1 }.AtLeast(0);
        var resume = new Option<bool>("--resume") { Description = "Keep the sweep's earlier results: skip completed runs, continue the others from their checkpoint/ (an OLMo run's, or a synthetic group's, saved when it was stopped by a signal); a run without one trains from step 0 and says so." };
        var jobs = new Option<int>("--jobs", "-j") { Description = "Sweep groups trained at once, each a trainer thread with its own memory: synthetic sweeps on the CPU, OLMo sweeps on any device (0 = cores / threads on the CPU, 1 on a GPU; 1 on a busy machine). Data runs and synthetic CUDA runs go one at a time.", DefaultValueFactory = _ => 0 }.AtLeast(0);
        var overwrite = new Option<bool>("--overwrite") { Description = "Delete the sweep's earlier results instead of keeping them under previous/<time>/." };
        var noAnalysis = new Option<bool>("--no-analysis") { Description = "Train and write the Arrow artifacts only; run the analysis later with `pipeline analyze SWEEP_DIR` (e.g. where DuckDB is not shipped)." };
        var cmd = new Command("run", "Run a pipeline: train each run of its sweep, write Arrow artifacts, then its analysis tables and plots.");
        opts.AddTo(cmd);
        cmd.Options.Add(artifacts);
        cmd.Options.Add(threads);
        cmd.Options.Add(resume);
        cmd.Options.Add(noAnalysis);
        cmd.Options.Add(overwrite);
        cmd.Options.Add(jobs);
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                if (r.GetValue(resume) && r.GetValue(overwrite)) throw new UsageException("--resume keeps the sweep's results and --overwrite deletes them: give one");
                if (File.Exists(r.GetValue(artifacts))) throw new UsageException($"--artifacts '{r.GetValue(artifacts)}' is a file; give a folder (created if missing)");
                // The runs train here: an `auto` one that finds no GPU is checked as a CPU one.
                var memory = MemoryBudget.ForTrainingHere();
                // A run refused for its memory here is refused instead for a file in its folder's way, a missing device, a held
                // sweep or what its --resume refuses, where it has one.
                var pipeline = RunRefusals.Load(opts, r, checkAnalysis: !r.GetValue(noAnalysis), memory, r.GetValue(artifacts)!, resume: r.GetValue(resume));
                // A file in the folder's way, the analysis's warnings, a missing device, a held sweep: said whatever the memory below.
                var sweepDir = RunRefusals.BeforeMemory(pipeline, r.GetValue(artifacts)!);
                if (pipeline.Spec.TrainsModel) TorchThreads.Apply(r.GetValue(threads));
                int parallelJobs = r.GetValue(jobs) > 0 ? r.GetValue(jobs)
                    : ConcurrentJobs.Default(pipeline.Runs, r.GetValue(threads), Environment.ProcessorCount);
                // Loading checked each run alone; this process holds its groups, and --jobs of them at once (a resume's: the runs
                // it trains, its checkpoints' as they were saved).
                if (MachineMemoryCheck.Error(pipeline, parallelJobs, memory, jobsGiven: r.GetValue(jobs) > 0,
                        resumeFrom: r.GetValue(resume) ? sweepDir : null) is { } tooBig)
                    throw new SpecException(tooBig);
                var progress = ConsoleProgress.Create();
                var result = await progress.RunAsync(p => PipelineRunner.RunAsync(pipeline, r.GetValue(artifacts)!, p, ct, resume: r.GetValue(resume), analyze: !r.GetValue(noAnalysis), jobs: parallelJobs, overwrite: r.GetValue(overwrite)));
                Interrupt.WorkWritten();
                PrintedTables.Print(result.Tables);
                Console.WriteLine($"artifacts: {result.SweepDir}");
                return RunOutcome.ExitCode(result, Console.Error);
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                PrintedTables.WrittenBefore(e);   // before the error, which says they were written
                var code = Errors.Report(e);
                opts.NotesAfter(r, e);
                return code;
            }
        });
        return cmd;
    }
}
