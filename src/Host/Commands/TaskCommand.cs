using System.CommandLine;
using Retention.Cluster;
using Retention.Host.Output;
using Retention.Pipeline;
using Retention.Training;

namespace Retention.Host.Commands;

/// <summary>
/// `pipeline task SUBMISSION_DIR INDEX`: what one array task of `pipeline submit` runs: the runs listed
/// for it, resuming what an earlier attempt left (the sweep contract is checked), without the analysis.
/// Exit 130 after a stop signal, which the job script answers with a requeue.
/// </summary>
public static class TaskCommand
{
    public static Command Build()
    {
        var dir = new Argument<string>("submission-dir") { Description = "A submission folder, <sweep>/slurm/submit-<n>." };
        var index = new Argument<int>("index") { Description = "The array task index (SLURM_ARRAY_TASK_ID)." };
        var threads = new Option<int>("--threads") { Description = "LibTorch CPU threads (0 = one per core).", DefaultValueFactory = _ => 1 };
        var cmd = new Command("task", "Train one task of a submitted sweep (run by the job scripts of `pipeline submit`).") { dir, index, threads };
        cmd.Hidden = true;
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var submission = SlurmSubmission.Read(r.GetValue(dir)!);
                int i = r.GetValue(index);
                if (i < 0 || i >= submission.Tasks.Count)
                    throw new UsageException($"task {i} is not a task of {submission.Directory} (0…{submission.Tasks.Count - 1})");
                var pipeline = SweepSubmitter.LoadForTask(submission);
                if (pipeline.Spec.TrainsModel) TorchThreads.Apply(r.GetValue(threads));
                var progress = ConsoleProgress.Create();
                var result = await progress.RunAsync(p => PipelineRunner.RunAsync(pipeline, submission.ArtifactsRoot, p, ct,
                    dataDirectory: submission.BaseDirectory, only: submission.Tasks[i]));
                Interrupt.WorkWritten();
                if (Path.GetFullPath(result.SweepDir) != submission.SweepDir)
                    throw new InvalidOperationException($"the task wrote to {result.SweepDir}, not its sweep {submission.SweepDir}");
                return RunOutcome.ExitCode(result, Console.Error);
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e);
            }
        });
        return cmd;
    }
}
