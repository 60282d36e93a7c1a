using System.CommandLine;
using Retention.Cluster;
using Spectre.Console;

namespace Retention.Host.Commands;

/// <summary>`pipeline status SWEEP_DIR`: each run's state, from its directory and the scheduler.</summary>
public static class StatusCommand
{
    public static Command Build()
    {
        var dir = new Argument<string>("sweep-dir") { Description = "A sweep directory (artifacts/NAME[-PROFILE]) written by `pipeline run` or `pipeline submit`." }
            .NotEmpty("a sweep directory (artifacts/NAME[-PROFILE])");
        var cmd = new Command("status",
            "Show each run of a sweep: pending, will not start (Slurm leaves it pending for ever), requeued, running, completed, failed (with its error), interrupted, not started or unknown. " +
            "Exit 3 while a run or the analysis job is queued or running, or its state is unknown (the scheduler could not be asked; " +
            "poll until it is not 3); then 0 when every run (and the latest analysis) completed, 1 when any failed or will not start, 4 when runs are left " +
            "interrupted or not started, or the analysis was stopped, is stale or has not run (`pipeline analyze` writes it).") { dir };
        cmd.SetAction(r =>
        {
            try
            {
                var runs = SweepObserver.Observe(r.GetValue(dir)!, out var problem, out var analysis, out var readBy);
                if (problem is not null) Console.Error.WriteLine($"warning: the scheduler could not be asked, so this is what the run directories say: {problem}");
                var table = new Table().Border(TableBorder.Simple).AddColumns("run", "state", "detail");
                foreach (var run in runs) table.AddRow(Markup.Escape(run.Run), Markup.Escape(run.State), Markup.Escape(run.Detail));
                var console = AnsiConsole.Create(new AnsiConsoleSettings
                {
                    Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
                    Out = new AnsiConsoleOutput(Console.Out),
                });
                if (Console.IsOutputRedirected) console.Profile.Width = 400;   // a log keeps each run on one line
                console.Write(table);
                Console.WriteLine(SweepStatus.Summary(runs));
                if (analysis is not null) Console.WriteLine(SweepStatus.Line(analysis));
                if (readBy is not null) Console.WriteLine(SweepStatus.ReadLine(readBy));
                return SweepStatus.ExitCode(runs, analysis);   // 0, 1, ExitCodes.NotFinished or ExitCodes.Stopped
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, inputErrors: true, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }
}
