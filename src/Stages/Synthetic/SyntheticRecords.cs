using Retention.Spec;
using Retention.Theory;

namespace Retention.Synthetic;

/// <summary>A row bound for one of a run's Arrow tables.</summary>
public abstract record RunRecord;

/// <summary>metrics.arrow: exact per-task population metrics at a logging step. Phase says where a
/// dense logging step sits relative to the rare task's injections (before, after, between), else null.</summary>
public sealed record MetricRow(long Step, int Task, double Loss, double Signal, double SignalCorrected, string? Phase) : RunRecord;

/// <summary>interference.arrow: frequent-task pressure at a logging step (see InterferenceMetrics).</summary>
public sealed record InterferenceRow(long Step, double ResidualF, double GradF, double GradFTrain, double Bound) : RunRecord;

/// <summary>injections.arrow: one row per step that injected rare rows, with the running totals.</summary>
public sealed record InjectionRow(long Step, int RareRows, long CumulativeRare, long CumulativeRows, double RareFraction) : RunRecord;

/// <summary>rare.arrow: the rare task and the interference theory for it (one row).</summary>
public sealed record RareRow(int RareTask, double Frequency, double Lambda, long Gap, bool RankOne, double Utility,
    int NCrit, double ResidualAtCrit, double TopFrequentEigenvalue, int FrequentTasks);

/// <summary>train.arrow: the mean minibatch loss since the previous logging step.</summary>
public sealed record TrainRow(long Step, double Lr, double TrainLoss, double ElapsedSeconds) : RunRecord;

/// <summary>theory.arrow: the capacity theory's prediction for this run's width.</summary>
public sealed record TheoryRow(int Task, double Frequency, double Trace, int Retained, double LossFloor,
    double SignalFloor, int FirstWidth, int FullWidth);

/// <summary>utilities.arrow: every feature of the mixture ranked by utility u = pi·lambda.</summary>
public sealed record UtilityRow(int Task, int Feature, double Lambda, double Utility, int Rank);

/// <summary>params.arrow: one row saying what this run was.</summary>
public sealed record ParamsRow(string Sweep, int Width, int Seed, int Tasks, int DimsPerTask, long Steps,
    int BatchSize, double Lr, string Device, string DeviceRequested);

public static class SyntheticRecords
{
    /// <summary>The rows a step outcome contributes to cell c's run (none between logging steps).</summary>
    public static IEnumerable<RunRecord> From(StepOutcome o, int cell, TimeSpan elapsed, RareSpec? rare, int batchSize)
    {
        if (RareSchedule.InjectedAt(rare, batchSize, o.Step) is > 0 and var injected)
        {
            long cumulative = RareSchedule.Cumulative(rare, batchSize, o.Step), rows = o.Step * batchSize + cumulative;
            yield return new InjectionRow(o.Step, injected, cumulative, rows, (double)cumulative / rows);
        }
        if (o.TrainLoss is null) yield break;
        yield return new TrainRow(o.Step, o.Lr, o.TrainLoss[cell], elapsed.TotalSeconds);
        if (o.Metrics is null) yield break;   // a step that ended the run: its loss, not its metrics
        var m = o.Metrics[cell];
        var phase = RareSchedule.Phase(rare, o.Step);
        for (int k = 0; k < m.Loss.Length; k++)
            yield return new MetricRow(o.Step, k, m.Loss[k], m.Signal[k], m.SignalCorrected[k], phase);
        if (m.Interference is { } i)
            yield return new InterferenceRow(o.Step, i.ResidualF, i.GradF, i.GradFTrain, i.Bound);
    }

    /// <summary>The rare task's row of rare.arrow: N_crit and the frequent residual at which it is predicted.</summary>
    public static RareRow Rare(TaskMixture m, RareSpec rare)
    {
        int nCrit = CriticalWidth.Of(m);
        var mu = CriticalWidth.FrequentEigenvalues(m);
        // At width N_crit the optimal encoder holds the top N_crit − 1 frequent features and the rare
        // one, so the frequent residual there is the sum of the frequent eigenvalues beyond N_crit − 1.
        double residualAtCrit = mu.Skip(nCrit - 1).Sum();
        return new RareRow(m.RareTask, rare.Frequency, rare.Lambda, rare.Gap, rare.RankOne,
            m.Frequencies[m.RareTask] * m.Spectra[m.RareTask].Max(), nCrit, residualAtCrit,
            CriticalWidth.TopFrequentEigenvalue(m), m.FrequentTasks);
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
