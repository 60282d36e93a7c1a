using Retention.Advice;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>The synthetic advice of a sweep that varies the mixture: one answer per mixture the runs train, labelled with
/// its swept values, never the file's unswept base value (a mixture no run trained).</summary>
public class AdviceMixtureTests() : InTempFolder("advice-mix-")
{
    // Two tasks of two features, alpha 1 (lambda = 1, 1/2), rare lambda 1. The file's base beta is 1; the runs train beta 2 and 3.
    const string Yaml = """
        name: mix
        device: cpu
        synthetic: {tasks: 2, dims_per_task: 2, frequency_exponent: 1.0, spectrum_exponent: 1.0, width: 1, rare: {frequency: 0.05}}
        train: {steps: 20, batch_size: 32, lr: 0.01, log_every: 10}
        sweep:
          synthetic.frequency_exponent: [2.0, 3.0]
          synthetic.width: [1, 3]
        analysis:
          advise: {}
        """;

    /// <summary>By hand: beta 2 gives p = (4/5, 1/5), frequent utilities nu = 4/5, 2/5, 1/5, 1/10; beta 3 gives p = (8/9, 1/9),
    /// nu = 8/9, 4/9, 1/9, 1/18. Width N keeps the rare feature from pi_r = nu_N / (1 + nu_N); past the 4 features, from 0.
    /// (The unswept beta 1 would give 2/5, 1/4, 1/4, 1/7.)</summary>
    static readonly Dictionary<string, double[]> Expected = new()
    {
        ["synthetic.frequency_exponent=2.0"] = [4.0 / 9, 2.0 / 7, 1.0 / 6, 1.0 / 11, 0],
        ["synthetic.frequency_exponent=3.0"] = [8.0 / 17, 4.0 / 13, 1.0 / 10, 1.0 / 19, 0],
    };

    static void AssertPerMixture(string folder)
    {
        using var catalog = ArtifactCatalog.Open(folder);
        var rows = SqlRunner.Query(catalog.Connection, "SELECT mixture, width, min_rare_frequency FROM advice_widths ORDER BY mixture, width").Rows;
        Assert.Equal(Expected.Keys.Order(), rows.Select(r => (string)r[0]!).Distinct().Order());
        foreach (var (mixture, byWidth) in Expected)
        {
            var got = rows.Where(r => (string)r[0]! == mixture).Select(r => (Convert.ToInt32(r[1]), Convert.ToDouble(r[2]))).ToList();
            Assert.Equal(Enumerable.Range(1, 5), got.Select(g => g.Item1));
            for (int i = 0; i < 5; i++) Assert.Equal(byWidth[i], got[i].Item2, 12);
        }
        // N_crit per mixture on the frequency grid: one more than the frequent utilities that outrank the rare one,
        // (1 − pi_r)·nu > pi_r·1.
        var nu = new Dictionary<string, double[]>
        {
            ["synthetic.frequency_exponent=2.0"] = [4.0 / 5, 2.0 / 5, 1.0 / 5, 1.0 / 10],
            ["synthetic.frequency_exponent=3.0"] = [8.0 / 9, 4.0 / 9, 1.0 / 9, 1.0 / 18],
        };
        var grid = SqlRunner.Query(catalog.Connection, "SELECT mixture, rare_frequency, min_width FROM advice_frequencies").Rows;
        Assert.Equal(Expected.Keys.Order(), grid.Select(r => (string)r[0]!).Distinct().Order());
        foreach (var row in grid)
        {
            double f = Convert.ToDouble(row[1]);
            Assert.Equal(nu[(string)row[0]!].Count(u => (1 - f) * u > f) + 1, Convert.ToInt32(row[2]));
        }
    }

    [Fact]
    public void Advise_on_a_file_that_sweeps_the_mixture_answers_for_each_swept_mixture()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml);
        var advice = CliProcess.Run(dir, TimeSpan.FromMinutes(3), "advise", "mix.yaml", "--output", "out");
        Assert.True(advice.Exit == 0, advice.Err);
        AssertPerMixture(Path.Combine(dir, "out"));
    }

    [Fact]
    public void Advise_on_a_file_says_where_it_wrote_by_default_under_the_current_folder()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml);
        var advice = CliProcess.Run(dir, TimeSpan.FromMinutes(3), "advise", "mix.yaml");
        Assert.True(advice.Exit == 0, advice.Err);
        var folder = Path.Combine(dir, "artifacts", "advice", "mix");
        Assert.Contains($"advice: {folder}{Environment.NewLine}", advice.Out);     // the full path, wherever the command ran
        Assert.True(File.Exists(Path.Combine(folder, "advice_widths.arrow")));
    }

    [Fact]
    public async Task The_analysis_kind_answers_for_each_swept_mixture()
    {
        var result = await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, "mix.yaml"), dir, SilentProgress.Instance, CancellationToken.None, jobs: 1);
        AssertPerMixture(Path.Combine(result.SweepDir, ArtifactLayout.AnalysisDir));
    }

    [Fact]
    public void Runs_that_differ_only_in_width_seed_or_rare_frequency_share_one_mixture_and_a_label_names_only_what_sets_it_apart()
    {
        var one = SpecLoader.LoadText("""
            name: one
            synthetic: {tasks: 3, dims_per_task: 2, rare: {frequency: 0.05}}
            sweep: {synthetic.width: [1, 2], seed: [0, 1], synthetic.rare.frequency: [0.01, 0.1]}
            """, "one.yaml", checkAnalysis: false);
        var single = Assert.Single(SyntheticAdvisor.Mixtures(one.Spec, one.Runs));
        Assert.Equal("", single.Label);

        // tasks 2 with either frequent set is one mixture (frequent_tasks 0 means all 2), so its label leaves frequent_tasks out;
        // tasks 3 gives two.
        var three = SpecLoader.LoadText("""
            name: three
            synthetic: {tasks: 2, dims_per_task: 2, rare: {frequency: 0.05}}
            sweep: {synthetic.tasks: [2, 3], synthetic.frequent_tasks: [0, 2], synthetic.width: [1, 2]}
            """, "three.yaml", checkAnalysis: false);
        Assert.Equal(["synthetic.tasks=2", "synthetic.tasks=3, synthetic.frequent_tasks=0", "synthetic.tasks=3, synthetic.frequent_tasks=2"],
            SyntheticAdvisor.Mixtures(three.Spec, three.Runs).Select(m => m.Label));
    }
}
