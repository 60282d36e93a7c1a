using System.Collections.Concurrent;
using System.Diagnostics;
using Retention.Pipeline;
using Spectre.Console;

namespace Retention.Host.Output;

/// <summary>
/// Progress for a terminal (a live Spectre.Console display: step, loss, steps/s, ETA per run)
/// or plain log lines every few seconds when output is redirected (CI, nohup, a GPU job).
/// </summary>
public abstract class ConsoleProgress : IRunProgress
{
    public static ConsoleProgress Create() =>
        !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive
            ? new LiveProgress(AnsiConsole.Console)
            : new PlainProgress(TimeSpan.FromSeconds(5));

    /// <summary>Runs the work while this progress is on screen.</summary>
    public abstract Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work);

    public abstract void RunStarted(string runId, int index, int count, long totalSteps);
    public abstract void Step(string runId, long step, double? trainLoss);
    public abstract void RunFinished(string runId, RunStatus status);
    public abstract void Info(string message);

    protected static string Describe(RunStatus s) => s.State switch
    {
        "completed" => $"done: {s.Steps} steps in {s.Seconds:F1}s ({s.Steps / Math.Max(s.Seconds, 1e-9):F0} steps/s)",
        "failed" => $"failed: {s.Error}",
        _ => $"{s.State} at step {s.Steps} after {s.Seconds:F1}s",
    };
}

sealed class PlainProgress(TimeSpan every) : ConsoleProgress
{
    sealed class RunClock { public required long Total; public required Stopwatch Clock; public TimeSpan LastPrint; public double? Loss; }
    readonly ConcurrentDictionary<string, RunClock> runs = new();

    public override Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work) => work(this);

    public override void RunStarted(string runId, int index, int count, long totalSteps)
    {
        runs[runId] = new RunClock { Total = totalSteps, Clock = Stopwatch.StartNew() };
        Console.WriteLine($"[{index + 1}/{count}] {runId}: {totalSteps} steps");
    }

    public override void Step(string runId, long step, double? trainLoss)
    {
        var r = runs[runId];
        if (trainLoss is { } l) r.Loss = l;
        var now = r.Clock.Elapsed;
        if (now - r.LastPrint < every && step != r.Total) return;
        r.LastPrint = now;
        double rate = step / Math.Max(now.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((r.Total - step) / Math.Max(rate, 1e-9));
        Console.WriteLine($"  {runId}: step {step}/{r.Total} loss {r.Loss?.ToString("G4") ?? "-"} {rate:F0} steps/s ETA {eta:hh\\:mm\\:ss}");
    }

    public override void RunFinished(string runId, RunStatus status) => Console.WriteLine($"  {runId}: {Describe(status)}");
    public override void Info(string message) => Console.WriteLine(message);
}

public sealed class LiveProgress(IAnsiConsole console) : ConsoleProgress
{
    ProgressContext? context;
    readonly ConcurrentDictionary<string, (ProgressTask Task, Stopwatch Clock)> tasks = new();
    readonly ConcurrentDictionary<string, double> losses = new();

    public override async Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                     new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx => { context = ctx; result = await work(this); });
        return result;
    }

    public override void RunStarted(string runId, int index, int count, long totalSteps)
    {
        var task = context!.AddTask(Markup.Escape($"[{index + 1}/{count}] {runId}"), maxValue: totalSteps);
        tasks[runId] = (task, Stopwatch.StartNew());
    }

    public override void Step(string runId, long step, double? trainLoss)
    {
        var (task, clock) = tasks[runId];
        if (trainLoss is { } l) losses[runId] = l;
        task.Value = step;
        if (step % 50 != 0 && trainLoss is null) return;
        double rate = step / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        var loss = losses.TryGetValue(runId, out var v) ? v.ToString("G4") : "-";
        task.Description = Markup.Escape($"{runId}  step {step}/{task.MaxValue}  loss {loss}  {rate:F0} steps/s");
    }

    public override void RunFinished(string runId, RunStatus status)
    {
        var (task, _) = tasks[runId];
        task.Description = Markup.Escape($"{runId}  {Describe(status)}");
        task.StopTask();
    }

    public override void Info(string message) => console.MarkupLine(Markup.Escape(message));
}
