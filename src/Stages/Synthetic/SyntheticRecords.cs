using Retention.Theory;

namespace Retention.Synthetic;

/// <summary>A row bound for one of a run's Arrow tables.</summary>
public abstract record RunRecord;

/// <summary>metrics.arrow: exact per-task population metrics at a logging step.</summary>
public sealed record MetricRow(long Step, int Task, double Loss, double Signal, double SignalCorrected) : RunRecord;

/// <summary>train.arrow: the mean minibatch loss since the previous logging step.</summary>
public sealed record TrainRow(long Step, double Lr, double TrainLoss, double ElapsedSeconds) : RunRecord;

/// <summary>theory.arrow: the capacity theory's prediction for this run's width.</summary>
public sealed record TheoryRow(int Task, double Frequency, double Trace, int Retained, double LossFloor,
    double SignalFloor, int FirstWidth, int FullWidth);

/// <summary>utilities.arrow: every feature of the mixture ranked by utility u = pi·lambda.</summary>
public sealed record UtilityRow(int Task, int Feature, double Lambda, double Utility, int Rank);

/// <summary>params.arrow: one row saying what this run was.</summary>
public sealed record ParamsRow(string Sweep, int Width, int Seed, int Tasks, int DimsPerTask, long Steps,
    int BatchSize, double Lr, string Device);

public static class SyntheticRecords
{
    /// <summary>The rows a step outcome contributes to cell c's run (none between logging steps).</summary>
    public static IEnumerable<RunRecord> From(StepOutcome o, int cell, TimeSpan elapsed)
    {
        if (o.Metrics is null) yield break;
        var m = o.Metrics[cell];
        yield return new TrainRow(o.Step, o.Lr, o.TrainLoss?[cell] ?? double.NaN, elapsed.TotalSeconds);
        for (int k = 0; k < m.Loss.Length; k++)
            yield return new MetricRow(o.Step, k, m.Loss[k], m.Signal[k], m.SignalCorrected[k]);
    }

    public static IReadOnlyList<TheoryRow> Theory(TaskMixture mixture, int width)
    {
        var ranked = MixtureTheory.RankedUtilities(mixture);
        return MixtureTheory.Floors(mixture, width).Select(f => new TheoryRow(
            f.Task, f.Frequency, f.Trace, f.Retained, f.LossFloor, f.SignalFloor,
            FirstWidth: ranked.Where(u => u.Task == f.Task).Min(u => u.Rank),
            FullWidth: ranked.Where(u => u.Task == f.Task).Max(u => u.Rank))).ToList();
    }

    public static IReadOnlyList<UtilityRow> Utilities(TaskMixture mixture) =>
        MixtureTheory.RankedUtilities(mixture)
            .Select(u => new UtilityRow(u.Task, u.Feature, u.Lambda, u.Utility, u.Rank)).ToList();
}
