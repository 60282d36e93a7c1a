using System.Collections.Concurrent;
using System.Diagnostics;
using Retention.Messages;
using Retention.Pipeline;
using Spectre.Console;

namespace Retention.Host.Output;

/// <summary>
/// Progress for a terminal (a live Spectre.Console display: the sweep's runs done / running /
/// queued, and a row per running group with step, loss (a data run, which has none, its documents and tokens read
/// instead), steps/s and ETA) or plain log lines every few seconds when output is redirected (CI, nohup, a GPU job),
/// one per group trained together.
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
    public abstract void Step(string runId, long step, double? trainLoss, DataCounts? data = null);
    public abstract void RunFinished(string runId, RunStatus status);
    public abstract void Info(string message);
    /// <summary>On stderr, as every command writes its notes: a `note:` among the progress lines on stdout was not where
    /// `analyze` (or a script reading stderr) put the same note.</summary>
    public abstract void Note(string message);
    /// <summary>On stderr too, as the other commands write their warnings: stdout holds the run's progress and results.</summary>
    public abstract void Warning(string message);
    public abstract void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true);
    public abstract void RunCompletedEarlier(string runId, int count);

    /// <remarks>A run's seconds run from its training's start to its files written: its first step, the exact metrics and
    /// the tables' completion are in them, as the progress line's rate (timed between steps) leaves them out, so on a short
    /// run this rate is well below that one; it says so, as it is not the training's pace. A count of one is singular ("1 step
/// in 1.0s"), the rate plural ("1 steps/s"): "1 steps in" read as a slip.</remarks>
    protected static string Describe(RunStatus s) => s.State switch
    {
        "completed" when s.FromStep > 0 => $"done: {Counted.Of(s.Steps, "step")}, {s.AttemptSteps} of them after resuming at {s.FromStep}, in {s.Seconds:F1}s ({Overall(s.AttemptSteps, s.Seconds)})",
        "completed" => $"done: {Counted.Of(s.Steps, "step")} in {s.Seconds:F1}s ({Overall(s.Steps, s.Seconds)})",
        "failed" => $"failed: {s.Error}",
        _ => $"{s.State} at step {s.Steps} after {s.Seconds:F1}s",
    };

    /// <summary>A run's end, and for a data run how much it read: "done: 3 steps in 0.4s (…); documents 12 tokens 102".</summary>
    protected static string Describe(RunStatus s, DataCounts? data) =>
        data is null ? Describe(s) : $"{Describe(s)}; {DataCountsText.Of(data)}";

    /// <summary>"74 steps/s overall, first step and table writing included": steps over the run's whole time.</summary>
    static string Overall(long steps, double seconds) =>
        $"{StepRate.Text(steps / Math.Max(seconds, 1e-9))} overall, first step and table writing included";

    /// <summary>A group's name on one line: "width-2" alone, "width-2 … width-16 (5 runs)" together.</summary>
    protected static string GroupName(IReadOnlyList<string> runs) =>
        runs.Count == 1 ? runs[0] : $"{runs[0]} … {runs[^1]} ({runs.Count} runs)";

    /// <summary>The losses of a group's runs on one line: one value, or the range.</summary>
    protected static string LossText(IEnumerable<double> losses)
    {
        var list = losses.ToList();
        if (list.Count == 0) return "-";
        double lo = list.Min(), hi = list.Max();
        return lo == hi ? lo.ToString("G4") : $"{lo:G4}–{hi:G4}";
    }

    /// <summary>" (step 250)" after a loss logged at an earlier step than the one shown, else "": an OLMo run reads its loss
    /// only at logging steps (train.log_every), and "step 223/250 loss 5.879" read as step 223's loss was step 1's.</summary>
    protected static string LoggedAt(long? lossStep, long step) => lossStep is { } at && at != step ? $" (step {at})" : "";

    /// <summary>How the sweep's runs ended, by state: "3/4 runs completed" while every ended run completed, else
    /// "1/4 runs completed, 1 interrupted" (an interrupted or failed run is not finished). Runs a --resume skips
    /// count as completed; the plain log counts a group's runs when the group has ended.</summary>
    protected sealed class Tally
    {
        readonly Dictionary<string, int> ended = [];
        public void Add(string state) { lock (ended) ended[state] = ended.GetValueOrDefault(state) + 1; }
        public int Ended { get { lock (ended) return ended.Values.Sum(); } }
        public string Text(int total)
        {
            lock (ended)
                return $"{ended.GetValueOrDefault("completed")}/{total} runs completed" +
                       string.Concat(ended.Where(e => e.Key != "completed").OrderBy(e => e.Key).Select(e => $", {e.Value} {e.Key}"));
        }
    }

    /// <summary>Which group each run trains in, and each group's runs (the lead run is the first).</summary>
    protected sealed class Groups
    {
        readonly ConcurrentDictionary<string, IReadOnlyList<string>> of = new();
        readonly ConcurrentDictionary<IReadOnlyList<string>, bool> lossless = new(ReferenceEqualityComparer.Instance);
        public void Add(IReadOnlyList<string> runs, bool reportsLoss = true)
        {
            foreach (var r in runs) of[r] = runs;
            if (!reportsLoss) lossless[runs] = true;
        }
        /// <summary>Whether the run's group reports a loss: a data run trains nothing, and "loss -" on its line read as one missing.</summary>
        public bool ReportsLoss(string run) => !lossless.ContainsKey(Of(run));
        public IReadOnlyList<string> Of(string run) => of.TryGetValue(run, out var g) ? g : [run];
        public bool Leads(string run) => Of(run)[0] == run;
        public bool Closes(string run) => Of(run)[^1] == run;
    }
}

public sealed class PlainProgress(TimeSpan every, TextWriter? output = null, TextWriter? errors = null) : ConsoleProgress
{
    readonly TextWriter output = output ?? Console.Out;
    readonly TextWriter errors = errors ?? Console.Error;
    readonly ConcurrentDictionary<string, int> indices = new();
    sealed class Group { public required IReadOnlyList<string> Runs; public required long Total; public required Stopwatch Clock;
        public TimeSpan LastPrint; public bool Printed; public long? LossStep; public DataCounts? Data; public readonly StepRate Rate = new(), TokenRate = new(); public readonly ConcurrentDictionary<string, double> Loss = new(); public readonly ConcurrentDictionary<string, RunStatus> Done = new(); }
    readonly Groups groups = new();
    readonly ConcurrentDictionary<IReadOnlyList<string>, Group> state = new(ReferenceEqualityComparer.Instance);
    readonly Tally tally = new();
    int total;

    public override Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work) => work(this);

    public override void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true) => groups.Add(runIds, reportsLoss);

    public override void RunStarted(string runId, int index, int count, long totalSteps)
    {
        total = count;
        indices[runId] = index;
        var runs = groups.Of(runId);
        state.GetOrAdd(runs, _ => new Group { Runs = runs, Total = totalSteps, Clock = Stopwatch.StartNew() });
        if (runs[^1] == runId)   // one line per group, when its last run is registered
            output.WriteLine($"[{string.Join(",", runs.Select(r => indices.GetValueOrDefault(r) + 1).Order().Take(3))}{(runs.Count > 3 ? ",…" : "")}/{count}] " +
                             $"{GroupName(runs)}: {Counted.Of(totalSteps, "step")}");
    }

    public override void Step(string runId, long step, double? trainLoss, DataCounts? data = null)
    {
        var g = state[groups.Of(runId)];
        if (trainLoss is { } l) { g.Loss[runId] = l; g.LossStep = step; }   // a group's runs log at the same steps
        if (data is not null) g.Data = data;   // a data run trains alone: its group is itself
        if (!groups.Closes(runId)) return;   // the group's runs share steps and timing; the last reports last
        var now = g.Clock.Elapsed;
        var rate = g.Rate.Observe(step, now);   // a resumed run starts past 0: timed from its first step
        var tokenRate = data is null ? null : g.TokenRate.Observe(data.Tokens, now);   // timed as the steps are
        // The first step at once (the model built, the data flowing: on a GPU or a slow source it can take minutes), then
        // every `every` and the last; a run that stalls early would otherwise show no step at all.
        if (g.Printed && now - g.LastPrint < every && step != g.Total) return;
        g.Printed = true;
        g.LastPrint = now;
        var loss = data is not null ? $"{DataCountsText.Of(data, tokenRate)} "
            : !groups.ReportsLoss(runId) ? "" : $"loss {LossText(g.Loss.Values)}{(g.Loss.IsEmpty ? "" : LoggedAt(g.LossStep, step))} ";
        output.WriteLine($"  {GroupName(g.Runs)}: step {step}/{g.Total} {loss}{StepRate.Text(rate)} ETA {StepRate.Eta(step, g.Total, rate)}");
    }

    public override void RunFinished(string runId, RunStatus status)
    {
        // Under one lock: groups finishing side by side (--jobs 2) print their counts in order.
        lock (state) Finished(runId, status);
    }

    void Finished(string runId, RunStatus status)
    {
        var g = state[groups.Of(runId)];
        g.Done[runId] = status;
        if (status.State == "failed" && g.Runs.Count > 1 && g.Done.Count == 1)
            output.WriteLine($"  {runId}: {Describe(status)}");
        if (g.Done.Count != g.Runs.Count) return;
        // Counted once the whole group has ended: groups ending side by side (--jobs) would count each other's runs.
        foreach (var done in g.Done.Values) tally.Add(done.State);
        var states = g.Done.Values.Select(s => s.State).Distinct().ToList();
        if (states.Count == 1 && !(states[0] == "failed" && g.Runs.Count > 1))
            output.WriteLine($"  {GroupName(g.Runs)}: {Describe(status, g.Data)} [{tally.Text(total)}]");
    }

    public override void RunCompletedEarlier(string runId, int count)
    {
        lock (state) { total = count; tally.Add("completed"); }
    }

    public override void Info(string message) => output.WriteLine(message);

    public override void Note(string message) => errors.WriteLine($"note: {message}");

    public override void Warning(string message) => errors.WriteLine($"warning: {message}");
}

/// <summary>
/// The terminal display: a top row for the sweep (runs finished / running / queued, and the last
/// message), one row per group in training (removed when it finishes). Messages are shown in the
/// top row while the display is live, never written between its rows (which garbled them), and
/// printed in full when it ends.
/// </summary>
public sealed class LiveProgress(IAnsiConsole console, TextWriter? errors = null) : ConsoleProgress
{
    readonly TextWriter errors = errors ?? Console.Error;
    readonly ConcurrentQueue<string> notes = new();
    ProgressContext? context;
    ProgressTask? sweep;
    readonly Groups groups = new();
    readonly ConcurrentDictionary<IReadOnlyList<string>, (ProgressTask Task, Stopwatch Clock)> rows = new(ReferenceEqualityComparer.Instance);
    readonly ConcurrentDictionary<IReadOnlyList<string>, StepRate> rates = new(ReferenceEqualityComparer.Instance),
        tokenRates = new(ReferenceEqualityComparer.Instance);
    readonly ConcurrentDictionary<string, DataCounts> read = new();
    readonly ConcurrentDictionary<string, double> losses = new();
    readonly ConcurrentDictionary<IReadOnlyList<string>, long> lossSteps = new(ReferenceEqualityComparer.Instance);
    readonly ConcurrentQueue<string> messages = new();
    /// <summary>Lines said after the display of runs that did not complete, and of data runs that did (what they read is
    /// their result, as the redirected log's end line says it; a training run's is in its tables).</summary>
    readonly List<string> ends = [];
    readonly Tally tally = new();
    int running, total;
    string lastMessage = "";

    public override async Task<T> RunAsync<T>(Func<IRunProgress, Task<T>> work)
    {
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(),
                     new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                context = ctx;
                sweep = ctx.AddTask("sweep", maxValue: 1);
                result = await work(this);
            });
        foreach (var m in messages) console.MarkupLine(Markup.Escape(m));
        foreach (var n in notes) errors.WriteLine(n);   // after the display, which stderr lines written under it would garble
        lock (ends) foreach (var f in ends) console.MarkupLine(Markup.Escape(f));
        console.MarkupLine(Markup.Escape(tally.Text(total)));
        return result;
    }

    public override void GroupStarted(IReadOnlyList<string> runIds, bool reportsLoss = true) => groups.Add(runIds, reportsLoss);

    /// <summary>The running groups' rows as the display shows them now (their text, not the drawn screen, which redraws on
    /// its own thread).</summary>
    public IReadOnlyList<string> RowTexts => [.. rows.Values.Select(r => r.Task.Description)];

    public override void RunStarted(string runId, int index, int count, long totalSteps)
    {
        total = count;
        Interlocked.Increment(ref running);
        var runs = groups.Of(runId);
        rows.GetOrAdd(runs, r => (context!.AddTask(Markup.Escape(GroupName(r)), maxValue: totalSteps), Stopwatch.StartNew()));
        UpdateSweep();
    }

    public override void Step(string runId, long step, double? trainLoss, DataCounts? data = null)
    {
        var runs = groups.Of(runId);
        if (trainLoss is { } l) { losses[runId] = l; lossSteps[runs] = step; }
        if (data is not null) read[runId] = data;   // for its end line, should it not complete
        if (!groups.Leads(runId)) return;
        var (task, clock) = rows[runs];
        var rate = rates.GetOrAdd(runs, _ => new StepRate()).Observe(step, clock.Elapsed);   // a resumed run starts past 0
        var tokenRate = data is null ? null : tokenRates.GetOrAdd(runs, _ => new StepRate()).Observe(data.Tokens, clock.Elapsed);
        task.Value = step;
        if (step % 50 != 0 && trainLoss is null) return;
        var loss = "";
        if (data is not null) loss = $"{DataCountsText.Of(data, tokenRate)}  ";
        else if (groups.ReportsLoss(runId))
        {
            loss = $"loss {LossText(runs.Where(losses.ContainsKey).Select(r => losses[r]))}";
            if (lossSteps.TryGetValue(runs, out var at)) loss += LoggedAt(at, step);
            loss += "  ";
        }
        task.Description = Markup.Escape($"{GroupName(runs)}  step {step}/{task.MaxValue}  {loss}{StepRate.Text(rate)}");
    }

    public override void RunFinished(string runId, RunStatus status)
    {
        tally.Add(status.State);
        Interlocked.Decrement(ref running);
        var data = read.GetValueOrDefault(runId);
        if (status.State != "completed" || data is not null) lock (ends) ends.Add($"{runId}: {Describe(status, data)}");
        var runs = groups.Of(runId);
        if (runs[^1] == runId && rows.TryRemove(runs, out var row))
        {
            row.Task.StopTask();
            context!.RemoveTask(row.Task);   // a finished group leaves the display; the sweep row counts it
        }
        UpdateSweep();
    }

    public override void RunCompletedEarlier(string runId, int count)
    {
        total = count;
        tally.Add("completed");
        UpdateSweep();
    }

    public override void Info(string message)
    {
        messages.Enqueue(message);
        lastMessage = message;
        UpdateSweep();
    }

    /// <summary>Shown in the top row while the display is live, like any message, and written to stderr when it ends.</summary>
    public override void Note(string message) => ToStderr($"note: {message}");

    /// <summary>As a note: in the top row while the display is live, on stderr when it ends.</summary>
    public override void Warning(string message) => ToStderr($"warning: {message}");

    void ToStderr(string line)
    {
        notes.Enqueue(line);
        lastMessage = line;
        UpdateSweep();
    }

    void UpdateSweep()
    {
        if (sweep is null) return;
        int ended = tally.Ended, queued = Math.Max(total - ended - running, 0);
        sweep.MaxValue = Math.Max(total, 1);
        sweep.Value = ended;
        var line = $"sweep: {tally.Text(total)}, {running} running, {queued} queued";
        if (lastMessage.Length > 0) line += $"  ·  {(lastMessage.Length > 80 ? lastMessage[..77] + "..." : lastMessage)}";
        sweep.Description = Markup.Escape(line);
    }
}
