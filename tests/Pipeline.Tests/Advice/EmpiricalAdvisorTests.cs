using Retention.Advice;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Advice;

/// <summary>The boundary fitted from sweeps: by hand, its honest refusals, and its agreement with the
/// shipped pipeline's rarest_learned table on a sweep written as the OLMo runs write it.</summary>
public class EmpiricalAdvisorTests() : InTempFolder("advice-")
{
    static IEnumerable<TaskOutcome> Size(long parameters, params (double Frequency, double[] Accuracies)[] points) =>
        points.SelectMany(p => p.Accuracies.Select((a, seed) => new TaskOutcome("comparison", p.Frequency, parameters, seed, a, 1e7)));

    [Fact]
    public void The_boundary_is_the_log_linear_crossing_of_the_seed_means_with_a_bootstrap_interval()
    {
        // Means 0.5, 0.65, 0.9: the target 0.8 is crossed 0.6 of the way from 3e-4 to 1e-3 in log-frequency.
        var outcomes = Size(1000, (1e-4, [0.5, 0.5, 0.5]), (3e-4, [0.6, 0.7, 0.65]), (1e-3, [0.9, 0.85, 0.95])).ToList();
        var b = Assert.Single(EmpiricalAdvisor.Boundaries(outcomes, 0.8));
        Assert.Equal("ok", b.Status);
        Assert.Equal(1e-3, b.RarestLearnedTested);
        Assert.Equal(3e-4 * Math.Pow(10.0 / 3, 0.6), b.BoundaryFrequency!.Value, 1e-12);
        Assert.NotNull(b.Low);
        Assert.NotNull(b.High);
        Assert.InRange(b.BoundaryFrequency.Value, b.Low!.Value, b.High!.Value);
        Assert.InRange(b.Low.Value, 3e-4, 1e-3);
    }

    [Fact]
    public void It_says_when_the_data_cannot_place_the_boundary()
    {
        var statuses = EmpiricalAdvisor.Boundaries([
            .. Size(1, (1e-4, [0.9, 0.9]), (1e-3, [0.95, 0.9])),     // learned everywhere
            .. Size(2, (1e-4, [0.5, 0.5]), (1e-3, [0.6, 0.55])),     // learned nowhere
            .. Size(3, (1e-4, [0.5]), (1e-3, [0.9])),                // one seed
            .. Size(4, (1e-3, [0.9, 0.9])),                          // one frequency
        ], 0.8).Select(b => (b.Parameters, b.Status, b.BoundaryFrequency, b.LearnsFrom)).ToList();
        Assert.StartsWith("learned at every tested frequency", statuses[0].Status);
        Assert.StartsWith("learned at no tested frequency", statuses[1].Status);
        Assert.StartsWith("one seed", statuses[2].Status);
        Assert.NotNull(statuses[2].BoundaryFrequency);                 // placed, without an interval
        Assert.StartsWith("too few frequencies", statuses[3].Status);
        Assert.All(statuses.Take(2), s => Assert.Null(s.BoundaryFrequency));
        // Where the levers may count on the size: from the rarest tested when all were learned, from the boundary when placed.
        Assert.Equal([1e-4, null, statuses[2].BoundaryFrequency, null], statuses.Select(s => s.LearnsFrom));
    }

    [Fact]
    public void Means_that_are_not_monotone_in_frequency_are_reported_and_the_boundary_is_where_every_more_frequent_one_is_learned()
    {
        // Seed means 0.586 at 1e-3, 0.492 at 5e-3, 0.555 at 2e-2 (a user's sweep), target 0.5: learned at 1e-3 and 2e-2, not at 5e-3.
        var outcomes = Size(1000, (1e-3, [0.6, 0.572]), (5e-3, [0.5, 0.484]), (2e-2, [0.57, 0.54])).ToList();
        var b = Assert.Single(EmpiricalAdvisor.Boundaries(outcomes, 0.5));
        Assert.StartsWith("not monotone", b.Status);
        Assert.Contains("not learned at 0.005 although learned at 0.001", b.Status);
        Assert.Equal(1e-3, b.RarestLearnedTested);                                   // as rarest_learned counts it
        // From 2e-2 up every tested frequency is learned: the crossing between 5e-3 (0.492) and 2e-2 (0.555).
        double t = (0.5 - 0.492) / (0.555 - 0.492);
        Assert.Equal(5e-3 * Math.Pow(4, t), b.BoundaryFrequency!.Value, 1e-12);
        Assert.Equal(b.BoundaryFrequency, b.LearnsFrom);
        // So at 1e-3 the levers do not call it learnable: 5e-3 above it is not learned.
        var levers = Levers.For([b], outcomes, "comparison", 1000, 1e-3);
        Assert.Equal(b.BoundaryFrequency, levers.FrequencyNeeded);
        Assert.StartsWith("raise the frequency", levers.Advice);

        // Learned at the rarest only: the most frequent is not learned, so there is no frequency from which all are.
        var top = Assert.Single(EmpiricalAdvisor.Boundaries([.. Size(1000, (1e-4, [0.9, 0.9]), (1e-3, [0.6, 0.6]), (1e-2, [0.5, 0.5]))], 0.8));
        Assert.StartsWith("not monotone: not learned at 0.001, 0.01 although learned at 0.0001", top.Status);
        Assert.Null(top.BoundaryFrequency);
        Assert.Null(top.LearnsFrom);
    }

    [Fact]
    public void One_seed_with_means_that_are_not_monotone_gets_both_caveats_and_a_boundary_without_an_interval()
    {
        // One seed: 0.6 at 1e-3, 0.4 at 5e-3, 0.7 at 2e-2, target 0.5. Learned at 1e-3 and 2e-2, not at 5e-3; from 2e-2 up
        // every tested frequency is learned, so the crossing lies (0.5 - 0.4) / (0.7 - 0.4) = 1/3 of the way from 5e-3 to 2e-2.
        var b = Assert.Single(EmpiricalAdvisor.Boundaries([.. Size(1000, (1e-3, [0.6]), (5e-3, [0.4]), (2e-2, [0.7]))], 0.5));
        Assert.Equal("not monotone: not learned at 0.005 although learned at 0.001; the boundary is the crossing below 0.02, " +
            "the rarest tested frequency from which every more frequent one is learned; one seed: no interval; train more seeds", b.Status);
        Assert.Equal(1e-3, b.RarestLearnedTested);
        Assert.Equal(5e-3 * Math.Pow(4, 1.0 / 3), b.BoundaryFrequency!.Value, 1e-12);
        Assert.Equal(b.BoundaryFrequency, b.LearnsFrom);
        Assert.Null(b.Low);
        Assert.Null(b.High);
    }

    [Fact]
    public void A_size_that_learned_every_tested_frequency_counts_as_learning_from_the_rarest()
    {
        var outcomes = Size(1000, (1e-4, [0.5, 0.5]), (1e-3, [0.9, 0.9]))
            .Concat(Size(5000, (1e-4, [0.9, 0.95]), (1e-3, [0.97, 0.99]))).ToList();
        var boundaries = EmpiricalAdvisor.Boundaries(outcomes, 0.8);

        var smaller = Levers.For(boundaries, outcomes, "comparison", 1000, 2e-4);
        Assert.Equal(5000, smaller.LargerSize);                    // learns at 1e-4 already, so at 2e-4
        Assert.StartsWith("raise the frequency", smaller.Advice);

        var larger = Levers.For(boundaries, outcomes, "comparison", 5000, 2e-4);
        Assert.Equal(0, larger.ExtraInstances);
        Assert.Equal(1e-4, larger.FrequencyNeeded);
        Assert.StartsWith("already learnable", larger.Advice);

        // Below the rarest tested frequency nothing is known: no advice to stay.
        Assert.StartsWith("cannot advise", Levers.For(boundaries, outcomes, "comparison", 5000, 5e-5).Advice);
    }

    [Fact]
    public void Levers_for_a_kind_the_sweeps_lack_name_the_kinds_they_have()
    {
        var outcomes = Size(1000, (1e-4, [0.5, 0.5]), (1e-3, [0.9, 0.9])).ToList();
        var boundaries = EmpiricalAdvisor.Boundaries(outcomes, 0.8);
        var kind = Assert.Throws<ArgumentException>(() => Levers.For(boundaries, outcomes, "modular_addition", 1000, 1e-3));
        Assert.Equal("no modular_addition runs in the sweeps; kinds there: comparison", kind.Message);
        var size = Assert.Throws<ArgumentException>(() => Levers.For(boundaries, outcomes, "comparison", 999, 1e-3));
        Assert.Equal("no comparison runs of a 999-parameter model in the sweeps; sizes there: 1,000", size.Message);
    }

    [Fact]
    public void The_size_factor_and_the_levers_compare_frequency_with_size()
    {
        var outcomes = Size(1000, (1e-4, [0.5, 0.5, 0.5]), (3e-4, [0.6, 0.7, 0.65]), (1e-3, [0.9, 0.85, 0.95]))
            .Concat(Size(5000, (1e-4, [0.6, 0.62, 0.64]), (3e-4, [0.9, 0.88, 0.86]), (1e-3, [0.95, 0.97, 0.99]))).ToList();
        var boundaries = EmpiricalAdvisor.Boundaries(outcomes, 0.8);
        var factor = Assert.Single(EmpiricalAdvisor.Factors(outcomes, boundaries, 0.8));
        Assert.Equal(boundaries[0].BoundaryFrequency!.Value / boundaries[1].BoundaryFrequency!.Value, factor.Factor!.Value, 1e-12);
        Assert.True(factor.Factor > 1);   // the smaller model needs the task more often

        var levers = Levers.For(boundaries, outcomes, "comparison", 1000, 3e-4);
        Assert.Equal(boundaries[0].BoundaryFrequency, levers.FrequencyNeeded);
        Assert.Equal(5000, levers.LargerSize);
        Assert.Equal(6.0 * 4000 * 1e7, levers.ExtraFlops);                     // 6·ΔN·D
        Assert.Equal((levers.FrequencyNeeded!.Value - 3e-4) * 1e7, levers.ExtraInstances!.Value, 1e-6);
        Assert.StartsWith("raise the frequency", levers.Advice);
    }

    [Fact]
    public async Task A_request_it_cannot_answer_changes_no_file_and_a_later_advice_leaves_no_stale_one()
    {
        // Means 0.5 and 0.9: at target 0.8 the boundary lies between the two frequencies, at 0.9 it is 1e-3 itself.
        var outcomes = Size(1000, (1e-4, [0.5, 0.5]), (1e-3, [0.9, 0.9])).ToList();
        var output = Path.Combine(dir, "analysis");
        await AdviceReport.EmpiricalAsync(outcomes, dir, output, 0.8, 1000, 2e-4);      // the pipeline's own advice, with the levers
        Assert.True(File.Exists(Path.Combine(output, "advice_levers.arrow")));
        var before = Directory.GetFiles(output).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

        // A size and a kind the sweep lacks, at another target: refused, and every file stays as it was.
        await Assert.ThrowsAsync<ArgumentException>(() => AdviceReport.EmpiricalAsync(outcomes, dir, output, 0.9, 999, 5e-3));
        await Assert.ThrowsAsync<ArgumentException>(() => AdviceReport.EmpiricalAsync(outcomes, dir, output, 0.9, 1000, 5e-3, "modular_addition"));
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(output).Select(f => Path.GetFileName(f)).Order());
        foreach (var (name, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(output, name)));
        // A folder that did not exist is not created.
        var fresh = Path.Combine(dir, "fresh");
        await Assert.ThrowsAsync<ArgumentException>(() => AdviceReport.EmpiricalAsync(outcomes, dir, fresh, 0.9, 999, 5e-3));
        Assert.False(Directory.Exists(fresh));

        // An advice without --size replaces the tables and removes the earlier levers, which answered another request.
        await AdviceReport.EmpiricalAsync(outcomes, dir, output, 0.9);
        Assert.False(File.Exists(Path.Combine(output, "advice_levers.arrow")));
        using var catalog = ArtifactCatalog.Open(output);
        Assert.Equal(1e-3, Convert.ToDouble(SqlRunner.Query(catalog.Connection, "SELECT boundary_frequency FROM advice_boundaries").Rows.Single()[0]));
    }

    [Fact]
    public async Task On_a_sweep_as_the_OLMo_runs_write_it_the_advice_agrees_with_the_pipelines_rarest_learned_table()
    {
        // Two sizes × three comparison frequencies × three seeds, the final evaluation at step 100.
        var accuracy = new Dictionary<(long, double), double[]>
        {
            [(120_000, 3e-4)] = [0.51, 0.55, 0.49], [(120_000, 1e-3)] = [0.85, 0.57, 0.75], [(120_000, 3e-3)] = [0.91, 0.89, 0.90],
            [(600_000, 3e-4)] = [0.73, 0.55, 0.55], [(600_000, 1e-3)] = [0.90, 0.93, 0.84], [(600_000, 3e-3)] = [0.98, 0.96, 0.94],
        };
        // Each run also trains a modular-addition task of the same frequency, learned only at 3e-3: the rarest learned
        // frequency is per kind (one minimum over both kinds read comparison's, as if addition were learned there too).
        foreach (var ((parameters, frequency), seeds) in accuracy)
            for (int seed = 0; seed < seeds.Length; seed++)
            {
                var run = Path.Combine(dir, "runs", $"p{parameters}_f{frequency}_s{seed}");
                var (task, add) = ($"cmp_{frequency}", $"add_{frequency}");
                double addition = frequency == 3e-3 ? 0.85 : 0.1;
                await ArrowFiles.WriteTableAsync(Path.Combine(run, "model.arrow"), OlmoRunGraph.ModelTable,
                    [new ModelRow("4M", parameters, 8, 16, 512, 4, 300, 64, 16, 100, "fp32", "cpu", seed, 0.003)]);
                await ArrowFiles.WriteTableAsync(Path.Combine(run, "tasks.arrow"), OlmoRunGraph.TasksTable,
                    [new TaskRow(task, "comparison", frequency, 1, 10000, 101, 5000, 0, "append"), new TaskRow(add, "modular_addition", frequency, 1, 10000, 113, 5000, 0, "append")]);
                await ArrowFiles.WriteTableAsync(Path.Combine(run, "task_metrics.arrow"), OlmoRunGraph.TaskTable,
                    [new TaskMetricRow(50, task, "test", 1, 0, 0.5), new TaskMetricRow(100, task, "test", 0.5, seeds[seed], seeds[seed]),
                     new TaskMetricRow(100, task, "train", 0.4, 0.9, 0.9),
                     new TaskMetricRow(100, add, "test", 2, addition, addition), new TaskMetricRow(100, add, "train", 1, 0.9, 0.9)]);
            }
        var spec = SpecLoader.Load(RepoFiles.Pipeline("olmo-frequency-phase.yaml"), "cpu-capacity", checkAnalysis: false).Spec;
        var analysis = spec.Analysis with { Plots = [], Tables = [.. spec.Analysis.Tables.Where(t => t.Name is "final_tasks" or "rarest_learned")] };
        var tables = await AnalysisRunner.RunAsync(dir, analysis);
        var rarest = tables.Single(t => t.Name == "rarest_learned").Result;
        var boundaries = EmpiricalAdvisor.Boundaries(AdviceReport.Outcomes(dir), 0.8).Where(b => b.Kind == "comparison").ToList();
        Assert.Equal(2, boundaries.Count);
        // One row per size and kind, by hand from the accuracies above (means over seeds ≥ 0.8): comparison at 120K learns
        // 3e-3 (0.90; 1e-3 averages 0.723), at 600K 1e-3 (0.89; 3e-4 averages 0.61); addition 3e-3 at both. Checked before
        // the loop below, which would pass on no rows.
        Assert.Equal([(120_000L, "comparison", 3e-3), (120_000L, "modular_addition", 3e-3), (600_000L, "comparison", 1e-3), (600_000L, "modular_addition", 3e-3)],
            rarest.Rows.Select(r => (Convert.ToInt64(r[0]), (string)r[1]!, Convert.ToDouble(r[2]))));
        foreach (var row in rarest.Rows.Where(r => (string)r[1]! == "comparison"))
        {
            var b = boundaries.Single(x => x.Parameters == Convert.ToInt64(row[0]));
            Assert.Equal(Convert.ToDouble(row[2]), b.RarestLearnedTested);                 // the same rarest learned frequency
            Assert.Equal("ok", b.Status);
            var rarer = accuracy.Keys.Where(k => k.Item1 == b.Parameters && k.Item2 < b.RarestLearnedTested).Max(k => k.Item2);
            Assert.InRange(b.BoundaryFrequency!.Value, rarer, b.RarestLearnedTested!.Value);  // between it and the next rarer tested one
            Assert.InRange(b.BoundaryFrequency.Value, b.Low!.Value, b.High!.Value);          // with an interval around it
        }
        // The smaller model's mean at 1e-3 is 0.723: it learns only 3e-3; the larger learns 1e-3.
        Assert.Equal([3e-3, 1e-3], boundaries.Select(b => b.RarestLearnedTested!.Value));
    }
}
