using Retention.Probes;
using static TorchSharp.torch;

namespace Retention.Tests.Probes;

/// <summary>The planted DAS test of shared/docs/probes.md §1, through the project's own DAS code.</summary>
public class DasTests
{
    const int Items = 40, Dims = 16;

    /// <summary>Item embeddings rank·v + noise orthogonal to v; a frozen head outputs v·(h1 − h2) for
    /// "first larger" and its negative for "second larger". The site is TOK1's embedding.</summary>
    sealed class PlantedComparison(Tensor embeddings, Tensor v) : IInterventionSite
    {
        public Tensor Prepare(Tensor inputs) => embeddings.index_select(0, inputs.flatten()).reshape(inputs.shape[0], 2, Dims);
        public Tensor Activations(Tensor prepared) => prepared.select(1, 0);
        public Tensor Logits(Tensor prepared, Tensor patched)
        {
            var score = patched.sub(prepared.select(1, 1)).matmul(v).unsqueeze(1);    // (N, 1)
            return cat([score, score.neg()], 1);                                      // class 0: first larger
        }
    }

    static (PlantedComparison Site, Tensor V, int[] Ranks) Planted()
    {
        var g = new Generator(3);
        var v = randn(Dims, generator: g);
        v = v.div(v.norm());
        var ranks = Enumerable.Range(0, Items).OrderBy(i => (i * 37) % Items).ToArray();   // a hidden order, not the index
        var noise = randn(Items, Dims, generator: g);
        noise = noise.sub(noise.matmul(v).unsqueeze(1).mul(v.unsqueeze(0)));             // orthogonal to v
        var embeddings = tensor(ranks.Select(r => (float)r).ToArray()).unsqueeze(1).mul(v.unsqueeze(0)).add(noise.mul(3));
        return (new PlantedComparison(embeddings, v), v, ranks);
    }

    static InterchangePairs Pairs(int[] ranks, int count, int seed)
    {
        var rng = new Random(seed);
        var b = new long[count * 2]; var s = new long[count * 2];
        var baseLabels = new long[count]; var counterfactual = new long[count];
        for (int i = 0; i < count; i++)
        {
            int a = rng.Next(Items), c = rng.Next(Items), a2 = rng.Next(Items), c2 = rng.Next(Items);
            (b[2 * i], b[2 * i + 1], s[2 * i], s[2 * i + 1]) = (a, c, a2, c2);
            baseLabels[i] = ranks[a] > ranks[c] ? 0 : 1;
            counterfactual[i] = ranks[a2] > ranks[c] ? 0 : 1;   // the source's TOK1 rank against the base's TOK2
        }
        return new InterchangePairs(tensor(b, [count, 2]), tensor(s, [count, 2]), baseLabels, counterfactual);
    }

    [Fact]
    public void A_one_dimensional_das_finds_the_planted_rank_direction_and_the_random_rotation_does_not()
    {
        var (site, v, ranks) = Planted();
        var train = Pairs(ranks, 2000, seed: 1);
        var test = Pairs(ranks, 1000, seed: 2);
        var (subspace, loss) = Das.Train(site, train, new DasSettings(Rank: 1, Steps: 300, Lr: 0.05, BatchSize: 128, Seed: 5), CPU);

        var learned = Das.Evaluate(site, test, subspace, loss);
        Assert.True(learned.IiaChanged >= 0.95, $"changed-pair IIA {learned.IiaChanged}");
        Assert.True(learned.ChangedPairs > 100);
        double cos = Math.Abs(subspace.select(1, 0).dot(v).item<float>());   // W is unit-norm, v too
        Assert.True(cos >= 0.95, $"|cos(learned, v)| = {cos}");
        var w = subspace;
        Assert.True(w.T.matmul(w).sub(eye(1)).abs().max().item<float>() < 1e-5);

        var random = Das.Evaluate(site, test, Das.RandomSubspace(Dims, 1, seed: 11));
        Assert.True(random.IiaChanged < 0.2, $"random rotation's changed-pair IIA {random.IiaChanged}");
        // Overall, the random rotation scores about the share of pairs whose label does not change.
        Assert.Equal(1 - (double)test.Changed / test.Count, random.Iia, 0.1);
    }

    /// <summary>A model that ignores its input: always "first larger" (class 0), whatever the site holds.</summary>
    sealed class Blind(PlantedComparison inner) : IInterventionSite
    {
        public Tensor Prepare(Tensor inputs) => inner.Prepare(inputs);
        public Tensor Activations(Tensor prepared) => inner.Activations(prepared);
        public Tensor Logits(Tensor prepared, Tensor patched) => tensor(new float[] { 1, 0 }).expand(prepared.shape[0], 2);
    }

    [Fact]
    public void Base_accuracy_is_the_un_intervened_models_and_warns_only_for_a_model_that_does_not_do_the_task()
    {
        var (site, _, ranks) = Planted();
        var test = Pairs(ranks, 1000, seed: 2);
        var bases = test.Bases.data<long>().ToArray();
        var subspace = Das.RandomSubspace(Dims, 1, seed: 11);
        double chance = DasBaseCheck.Chance(test.BaseLabels);
        Assert.Equal((double)Math.Max(test.BaseLabels.Count(l => l == 0), test.BaseLabels.Count(l => l == 1)) / test.Count, chance);

        // The planted head answers every base of two distinct items right; a base comparing an item with itself scores 0
        // for both classes, so its argmax (the first, "first larger") misses the label "second larger" it gets.
        var capable = Das.Evaluate(site, test, subspace);
        int distinct = Enumerable.Range(0, test.Count).Count(i => bases[2 * i] != bases[2 * i + 1]);
        Assert.True(distinct < test.Count);   // the independent count is not simply "all"
        Assert.Equal((double)distinct / test.Count, capable.BaseAccuracy, 12);
        Assert.Null(DasBaseCheck.Warning(7, "cmp", capable.BaseAccuracy, chance));

        // The blind model scores the share of bases labelled "first larger", at or below chance: IIA says nothing there.
        var blind = Das.Evaluate(new Blind(site), test, subspace);
        Assert.Equal((double)test.BaseLabels.Count(l => l == 0) / test.Count, blind.BaseAccuracy, 12);
        var warning = DasBaseCheck.Warning(7, "cmp", blind.BaseAccuracy, chance);
        Assert.NotNull(warning);
        Assert.StartsWith($"DAS at step 7 (cmp): the model answers only {Math.Round(100 * blind.BaseAccuracy)}% of the base inputs right " +
            $"(chance {Math.Round(100 * chance)}%", warning);
        Assert.Contains("IIA there says little about the task's causal variable", warning);
    }

    [Fact]
    public void An_untrained_olmo_models_das_rows_carry_its_own_accuracy_on_the_bases_and_the_probe_warns()
    {
        var task = Retention.Data.ComparisonTask.Create(items: 12, instances: 132, train: 100, seed: 5);
        var tokens = new Retention.Data.TaskTokens(task.Name, [.. Enumerable.Range(100, 12)], [200, 201]);
        var probe = new DasProbe(new Retention.Spec.DasProbeSpec { Steps = 5, TrainPairs = 50, TestPairs = 300 }, every: 1, lastStep: 1, task, tokens, eos: 0);
        using var model = new Retention.Models.OlmoModel(
            new Retention.Models.OlmoConfig(Layers: 2, Hidden: 32, MlpDim: 64, Heads: 4, VocabSize: 256) { MaxSeqLen = 16 }, new Generator(1));
        model.eval();
        // Step 0, the untrained model, is at chance by design: no warning. The same model at step 1 is warned about.
        probe.After(new ModelView(model, CPU, 0, null, false)).Cast<DasRow>().ToList();
        Assert.Null(probe.Warning);
        var rows = probe.After(new ModelView(model, CPU, 1, null, false)).Cast<DasRow>().ToList();

        // Independently: the whole model's forward pass, argmax over the two label tokens at the label position.
        var test = probe.DrawnPairs.Test;
        long[] answers;
        using (no_grad())
            answers = model.forward(test.Bases).select(1, Retention.Data.TaskEvalSet.LabelPosition)
                .index_select(1, tensor(new long[] { 200, 201 })).argmax(1).data<long>().ToArray();
        double expected = (double)Enumerable.Range(0, test.Count).Count(i => answers[i] == test.BaseLabels[i]) / test.Count;
        Assert.Equal(["das", "random"], rows.Select(r => r.Kind));
        Assert.All(rows, r => Assert.Equal(expected, r.BaseAccuracy, 12));

        Assert.True(expected < DasBaseCheck.Threshold(probe.Chance), $"an untrained model answered {expected} of the bases right");
        Assert.StartsWith("DAS at step 1 (cmp): the model answers only", probe.Warning);
    }

    [Theory]
    [InlineData(0.5, 0.74, true)]
    [InlineData(0.5, 0.75, false)]
    [InlineData(0.25, 0.62, true)]    // four balanced labels: trusted from 62.5%
    [InlineData(0.25, 0.63, false)]
    [InlineData(0.5, double.NaN, false)]   // nothing scored: nothing to warn about
    public void The_warning_comes_below_half_way_from_chance_to_a_perfect_score(double chance, double accuracy, bool warns) =>
        Assert.Equal(warns, DasBaseCheck.Warning(1, "t", accuracy, chance) is not null);

    [Fact]
    public void The_intervention_replaces_exactly_the_subspace_coordinates()
    {
        var g = new Generator(9);
        var bases = randn(5, 6, generator: g);
        var sources = randn(5, 6, generator: g);
        var w = Das.RandomSubspace(6, 2, seed: 4);
        var patched = Das.Intervene(bases, sources, w);
        Assert.True(patched.matmul(w).sub(sources.matmul(w)).abs().max().item<float>() < 1e-5);   // in W: the source's
        var outside = eye(6).sub(w.matmul(w.T));
        Assert.True(patched.matmul(outside).sub(bases.matmul(outside)).abs().max().item<float>() < 1e-5);   // outside: the base's
    }

    [Theory]
    [InlineData("tok1")]
    [InlineData("tok2")]
    public void Interchange_pairs_never_compare_an_item_with_itself_and_label_the_counterfactual_by_rank(string position)
    {
        // Four items: 12 ordered pairs, so a source whose swapped item equals the base's other one is drawn often.
        var task = Retention.Data.ComparisonTask.Create(items: 4, instances: 12, train: 6, seed: 5);
        var tokens = new Retention.Data.TaskTokens(task.Name, [100, 101, 102, 103], [200, 201]);
        var probe = new DasProbe(new Retention.Spec.DasProbeSpec { Position = position, TrainPairs = 300, TestPairs = 300 },
            every: 1, lastStep: 1, task, tokens, eos: 0);
        foreach (var pairs in new[] { probe.DrawnPairs.Train, probe.DrawnPairs.Test })
        {
            var (bases, sources) = (pairs.Bases.data<long>().ToArray(), pairs.Sources.data<long>().ToArray());
            for (int i = 0; i < pairs.BaseLabels.Length; i++)
            {
                // Items of the counterfactual: the source's item at the site and the base's other item.
                var (swapped, other) = position == "tok1" ? (sources[3 * i + 1], bases[3 * i + 2]) : (bases[3 * i + 1], sources[3 * i + 2]);
                Assert.NotEqual(swapped, other);
                var (first, second) = ((int)swapped - 100, (int)other - 100);
                if (position == "tok2") (first, second) = ((int)bases[3 * i + 1] - 100, (int)sources[3 * i + 2] - 100);
                long expected = task.Ranks[first] > task.Ranks[second] ? Retention.Data.ComparisonTask.FirstLarger : Retention.Data.ComparisonTask.SecondLarger;
                Assert.Equal(expected, pairs.CounterfactualLabels[i]);
            }
        }
    }

    /// <summary>A DAS fit keeps the device busy: it reads one value to the host (the last loss), not one a step, and uploads every
    /// step's batch at once; the subspace and loss equal the loop that draws and reads step by step, bit for bit.</summary>
    [Fact]
    public void A_fit_reads_one_value_to_the_host_and_equals_the_fit_that_draws_and_reads_each_step()
    {
        var (site, _, ranks) = Planted();
        var train = Pairs(ranks, 500, seed: 4);
        var settings = new DasSettings(Rank: 2, Steps: 40, Lr: 0.05, BatchSize: 64, Seed: 9);

        long before = Retention.Training.HostReads.OnThisThread;
        var (subspace, loss) = Das.Train(site, train, settings, CPU);
        Assert.Equal(before + 1, Retention.Training.HostReads.OnThisThread);

        var (expected, expectedLoss) = StepByStep(site, train, settings);
        Assert.Equal(expectedLoss, loss);
        Assert.Equal(expected.data<float>().ToArray(), subspace.data<float>().ToArray());
    }

    /// <summary>The fit as it was written first: a batch drawn and the loss read at every step.</summary>
    static (Tensor Subspace, double Loss) StepByStep(IInterventionSite site, InterchangePairs train, DasSettings settings)
    {
        Tensor bases, sources;
        using (no_grad())
        {
            bases = site.Prepare(train.Bases);
            sources = site.Activations(site.Prepare(train.Sources));
        }
        var baseActs = site.Activations(bases);
        int n = (int)baseActs.shape[1];
        var generator = new Generator((ulong)settings.Seed);
        var free = new TorchSharp.Modules.Parameter(randn(n, settings.Rank, dtype: ScalarType.Float32, generator: generator));
        using var optimizer = new Retention.Training.AdamOptimizer([free], settings.Lr);
        var targets = tensor(train.CounterfactualLabels, dtype: ScalarType.Int64);
        double loss = double.NaN;
        for (int step = 0; step < settings.Steps; step++)
        {
            var batch = randperm(train.Count, generator: generator).narrow(0, 0, Math.Min(settings.BatchSize, train.Count));
            var (w, _) = linalg.qr(free);
            var patched = Das.Intervene(baseActs.index_select(0, batch), sources.index_select(0, batch), w);
            var ce = nn.functional.cross_entropy(site.Logits(bases.index_select(0, batch), patched), targets.index_select(0, batch));
            optimizer.ZeroGrad();
            ce.backward();
            optimizer.Step();
            loss = ce.item<float>();
        }
        using (no_grad()) return (linalg.qr(free).Q.detach(), loss);
    }
}
