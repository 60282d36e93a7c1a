using System.Diagnostics;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>stages.arrow: wall time a run spent in its training steps and in each model stage (evaluate,
/// each probe, checkpoint, export), summed over the run; what `pipeline bench probes` reads.</summary>
public sealed record StageTimeRow(string Stage, long Calls, double Seconds);

/// <summary>Sums the time of each stage of a run (one thread: the trainer's).</summary>
public sealed class StageTimes
{
    public const string File = "stages.arrow";
    public const string TrainStep = "train_step";

    public static readonly RecordBatchBuilder<StageTimeRow> Table = new RecordBatchBuilder<StageTimeRow>()
        .Utf8("stage", r => r.Stage).Int64("calls", r => r.Calls).Float64("seconds", r => r.Seconds);

    readonly Dictionary<string, (long Calls, TimeSpan Time)> times = [];

    /// <summary>Runs <paramref name="work"/> and adds its time to <paramref name="stage"/>'s.</summary>
    public T Time<T>(string stage, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        try { return work(); }
        finally
        {
            var (calls, time) = times.GetValueOrDefault(stage);
            lock (times) times[stage] = (calls + 1, time + clock.Elapsed);
        }
    }

    public IReadOnlyList<StageTimeRow> Rows()
    {
        lock (times) return [.. times.Select(t => new StageTimeRow(t.Key, t.Value.Calls, t.Value.Time.TotalSeconds))];
    }

    public double Seconds(string stage) { lock (times) return times.GetValueOrDefault(stage).Time.TotalSeconds; }
}
