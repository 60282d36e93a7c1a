using System.Diagnostics;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>stages.arrow: wall time a run spent in its training steps and in each model stage (evaluate,
/// each probe, checkpoint, export), summed over the run's attempts; what `pipeline bench probes` reads.</summary>
public sealed record StageTimeRow(string Stage, long Calls, double Seconds);

/// <summary>Sums the time of each stage of a run (one thread: the trainer's).</summary>
public sealed class StageTimes
{
    public const string File = "stages.arrow";
    public const string TrainStep = "train_step";

    public static readonly RecordBatchBuilder<StageTimeRow> Table = new RecordBatchBuilder<StageTimeRow>()
        .Utf8("stage", r => r.Stage).Int64("calls", r => r.Calls).Float64("seconds", r => r.Seconds);

    readonly Dictionary<string, (long Calls, TimeSpan Time)> times = [];

    /// <summary>Times that start from the rows an earlier attempt wrote (a resume rewrites stages.arrow when it ends,
    /// also when it fails before its first step, and must not drop them): the table says what the run cost in all,
    /// steps trained again after a resume included.</summary>
    public static StageTimes Resuming(IEnumerable<StageTimeRow> earlier)
    {
        var resumed = new StageTimes();
        foreach (var row in earlier)
        {
            var (calls, time) = resumed.times.GetValueOrDefault(row.Stage);
            resumed.times[row.Stage] = (calls + row.Calls, time + TimeSpan.FromSeconds(row.Seconds));
        }
        return resumed;
    }

    /// <summary>The times a resume from <paramref name="checkpointDir"/> starts from: those saved with the checkpoint (what the
    /// run's steps up to it cost, kept also when the attempt after it was killed and never wrote stages.arrow); for a checkpoint
    /// an earlier version saved without them, the run's own stages.arrow, as the last attempt that ended wrote it.</summary>
    public static StageTimes ResumingFrom(string checkpointDir, string runDir)
    {
        var saved = Path.Combine(checkpointDir, File);
        return Resuming(Read(System.IO.File.Exists(saved) ? saved : Path.Combine(runDir, File)));
    }

    /// <summary>Writes <paramref name="rows"/> as a stages.arrow at <paramref name="path"/> (a run's, or a checkpoint's).</summary>
    public static Task WriteAsync(string path, IReadOnlyList<StageTimeRow> rows) => ArrowFiles.WriteTableAsync(path, Table, rows);

    /// <summary>The rows of a stages.arrow (none when it is absent); one of other columns (an earlier version's) is refused
    /// as a resume refuses the run's other tables.</summary>
    public static IReadOnlyList<StageTimeRow> Read(string path)
    {
        if (!System.IO.File.Exists(path)) return [];
        ArrowTableWriter.RequireColumns(path, Table.Schema);
        var rows = new List<StageTimeRow>();
        using var reader = new ArrowFileReader(System.IO.File.OpenRead(path));
        while (reader.ReadNextRecordBatch() is { } b)
            using (b)
            {
                var (stage, calls, seconds) = ((StringArray)b.Column("stage"), (Int64Array)b.Column("calls"), (DoubleArray)b.Column("seconds"));
                for (int i = 0; i < b.Length; i++)
                    rows.Add(new StageTimeRow(stage.GetString(i), calls.GetValue(i) ?? 0, seconds.GetValue(i) ?? 0));
            }
        return rows;
    }

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
