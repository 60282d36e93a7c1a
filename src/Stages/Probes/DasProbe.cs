using Retention.Artifacts;
using Retention.Data;
using Retention.Spec;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>das.arrow: one row per probe step and kind — "das" (the learned subspace) and "random"
/// (the random-rotation control at the same site and rank). IIA is scored on test-split pairs;
/// train_iia_changed on the pairs the subspace was fitted to, for choosing a site without the test pairs;
/// base_accuracy is the un-intervened model's on the test pairs' bases (the same for both kinds).</summary>
public sealed record DasRow(long Step, string Task, int Layer, string Position, int Rank, string Kind,
    double Iia, double IiaChanged, int Pairs, int ChangedPairs, double TrainLoss, double TrainIiaChanged, double BaseAccuracy);

/// <summary>
/// DAS on a comparison task during training (paper Fig 7). The high-level causal model is the rank
/// of each item in the task's hidden order; an interchange of TOK1 between a base (a, b) and a source
/// (a′, b′) gives the counterfactual label compare(rank a′, rank b). Pairs come from the task's train
/// split (to train the subspace) and test split (for IIA), drawn once from the probe's seed; at each
/// probe step a fresh subspace is trained on the frozen model (its own seed) and scored, beside a
/// random subspace of the same rank.
/// </summary>
public sealed class DasProbe : IModelStage
{
    public static readonly RecordBatchBuilder<DasRow> Table = new RecordBatchBuilder<DasRow>()
        .Int64("step", r => r.Step).Utf8("task", r => r.Task).Int32("layer", r => r.Layer).Utf8("position", r => r.Position)
        .Int32("rank", r => r.Rank).Utf8("kind", r => r.Kind).Float64("iia", r => r.Iia).Float64("iia_changed", r => r.IiaChanged)
        .Int32("pairs", r => r.Pairs).Int32("changed_pairs", r => r.ChangedPairs).Float64("train_loss", r => r.TrainLoss)
        .Float64("train_iia_changed", r => r.TrainIiaChanged)
        // Last and nullable: a resumed run's rows from before the column was added read NULL (ArrowTableWriter.Resume).
        .Float64("base_accuracy", r => (double?)r.BaseAccuracy);

    readonly DasProbeSpec spec;
    readonly long every, lastStep;
    readonly string task;
    readonly InterchangePairs train, test;
    readonly long[] labelTokens;

    public DasProbe(DasProbeSpec spec, long every, long lastStep, ComparisonTask comparison, TaskTokens tokens, int eos)
    {
        (this.spec, this.every, this.lastStep, task) = (spec, every, lastStep, comparison.Name);
        labelTokens = [.. tokens.LabelIds.Select(t => (long)t)];
        var rng = new Random(spec.Seed);
        train = Pairs(comparison, comparison.Train.ToArray(), tokens, eos, spec.TrainPairs, rng);
        test = Pairs(comparison, comparison.Test.ToArray(), tokens, eos, spec.TestPairs, rng);
    }

    public string Name => "das";

    /// <summary>The share of the most common base label among the test pairs: what a model ignoring its input scores.</summary>
    public double Chance => DasBaseCheck.Chance(test.BaseLabels);

    /// <summary>What the latest probe step says about the model's own accuracy (<see cref="DasBaseCheck"/>); null when
    /// it does the task or nothing was probed. Read once, after the steps, so a run's log warns once, not at every step.</summary>
    public string? Warning => BaseWarning?.Text();

    /// <summary><see cref="Warning"/> as its numbers (a scan names the sites that share them).</summary>
    public DasWarning? BaseWarning { get; private set; }

    /// <summary>The (base, source) pairs drawn for training the subspace and for scoring it.</summary>
    internal (InterchangePairs Train, InterchangePairs Test) DrawnPairs => (train, test);

    int PositionIndex => spec.Position == "tok1" ? 1 : 2;

    /// <summary>(base, source) pairs of instances; the intervened variable is the rank of the item at the site
    /// (TOK1 or TOK2), so the counterfactual compares the source's item there with the base's other item.</summary>
    InterchangePairs Pairs(ComparisonTask comparison, TaskInstance[] pool, TaskTokens tokens, int eos, int count, Random rng)
    {
        var bases = new long[count * 3];
        var sources = new long[count * 3];
        var baseLabels = new long[count];
        var counterfactual = new long[count];
        var ranks = comparison.Ranks.AsSpan();
        for (int i = 0; i < count; i++)
        {
            var b = pool[rng.Next(pool.Length)];
            TaskInstance s;
            // The source's item at the site must differ from the base's other item: compare(x, x) has no label.
            do s = pool[rng.Next(pool.Length)]; while ((spec.Position == "tok1" ? s.A : s.B) == (spec.Position == "tok1" ? b.B : b.A));
            (bases[3 * i], bases[3 * i + 1], bases[3 * i + 2]) = (eos, tokens.ItemIds[b.A], tokens.ItemIds[b.B]);
            (sources[3 * i], sources[3 * i + 1], sources[3 * i + 2]) = (eos, tokens.ItemIds[s.A], tokens.ItemIds[s.B]);
            baseLabels[i] = b.Label;
            counterfactual[i] = spec.Position == "tok1" ? ComparisonTask.LabelOf(ranks, s.A, b.B) : ComparisonTask.LabelOf(ranks, b.A, s.B);
        }
        return new InterchangePairs(tensor(bases, [count, 3]), tensor(sources, [count, 3]), baseLabels, counterfactual);
    }

    public IEnumerable<object> After(ModelView view)
    {
        if (!ProbeSchedule.Periodic(view.Step, every, lastStep)) return [];
        return Frozen.Run(view.Model, () =>
        {
            var site = new OlmoDasSite(view.Model, spec.Layer, PositionIndex, labelTokens);
            var settings = new DasSettings(spec.Rank, spec.Steps, spec.Lr, spec.BatchSize, spec.Seed);
            var (subspace, loss) = Das.Train(site, train, settings, view.Device);
            using var learned = subspace;
            using var random = Das.RandomSubspace((int)view.Model.Config.Hidden, spec.Rank, spec.Seed + 1);
            var das = Das.Evaluate(site, test, learned, loss);
            var control = Das.Evaluate(site, test, random);
            double dasFit = Das.Evaluate(site, train, learned).IiaChanged, controlFit = Das.Evaluate(site, train, random).IiaChanged;
            // Step 0 is the untrained model, at chance by design: a run stopped before its next DAS step says nothing.
            if (view.Step > 0) BaseWarning = DasBaseCheck.Check(view.Step, task, das.BaseAccuracy, Chance);
            return (IEnumerable<object>)[Row(view.Step, "das", das, dasFit), Row(view.Step, "random", control, controlFit)];
        });
    }

    DasRow Row(long step, string kind, DasScore s, double trainIiaChanged) =>
        new(step, task, spec.Layer, spec.Position, spec.Rank, kind, s.Iia, s.IiaChanged, s.Pairs, s.ChangedPairs, s.TrainLoss, trainIiaChanged, s.BaseAccuracy);
}
