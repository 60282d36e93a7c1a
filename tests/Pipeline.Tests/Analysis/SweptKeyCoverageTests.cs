using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A swept key the analysis never keeps apart is named (a shipped analysis averaging over an lr added to its
/// sweep); the keys it groups by, seed, one-value keys and SQL that names the key are not.</summary>
public class SweptKeyCoverageTests
{
    static AnalysisTableSpec Table(string name, string sql) => new() { Name = name, Sql = sql };
    static PlotSpec Plot(string name, string sql) => new() { Name = name, Kind = "line", Sql = sql, X = "step", Y = "loss" };

    static readonly AnalysisSpec Analysis = new()
    {
        Tables =
        [
            Table("final", "SELECT p.width, avg(m.loss) AS loss FROM metrics m JOIN params p USING (run) GROUP BY p.width"),
            Table("per_lr", "SELECT width, lr, avg(loss) AS loss FROM metrics JOIN swept USING (run) GROUP BY ALL"),
        ],
        Plots = [Plot("curve", "SELECT step, avg(loss) AS loss, width AS series FROM metrics JOIN params USING (run) GROUP BY ALL")],
    };

    static readonly Dictionary<string, IReadOnlyList<string>> Columns = new()
    {
        ["final"] = ["width", "loss"],
        ["per_lr"] = ["width", "LR", "loss"],   // the check is case-insensitive
    };

    static Dictionary<string, IReadOnlyList<string>> Sweep(params (string Key, string[] Values)[] axes) =>
        axes.ToDictionary(a => a.Key, a => (IReadOnlyList<string>)a.Values);

    [Fact]
    public void A_table_without_the_swept_column_and_a_plot_not_naming_it_are_named_in_one_warning()
    {
        var warning = Assert.Single(SweptKeyCoverage.Check(Analysis, Sweep(("train.lr", ["0.001", "0.003"])), Columns));
        Assert.Equal("train.lr", warning.Key);
        Assert.Equal(["analysis.tables[0]", "analysis.plots[0]"], warning.Paths);   // per_lr keeps lr
        Assert.Equal("analysis table 'final' (analysis.tables[0]) has no column 'lr', and plot 'curve' (analysis.plots[0]) does not " +
            "mention lr, although the sweep varies train.lr over 2 values: their rows and points mix runs with different lr (add lr " +
            "to the tables' SELECT and GROUP BY and select it as the plots' series, or keep one value with WHERE lr = ...)", warning.Message);
    }

    [Fact]
    public void A_key_the_tables_and_plots_keep_seed_and_a_one_value_key_never_warn()
    {
        var sweep = Sweep(("synthetic.width", ["4", "8"]), ("seed", ["0", "1", "2"]), ("train.lr", ["0.001"]));
        Assert.Empty(SweptKeyCoverage.Check(Analysis, sweep, Columns));
    }

    [Fact]
    public void Tables_missing_one_key_are_listed_in_one_line_and_SQL_naming_the_key_or_keeping_run_is_not_mixing()
    {
        var analysis = new AnalysisSpec
        {
            Tables =
            [
                Table("a", "SELECT avg(loss) AS loss FROM metrics"),
                Table("one_lr", "SELECT avg(m.loss) AS loss FROM metrics m JOIN swept s USING (run) WHERE s.lr = 0.001"),
                Table("per_run", "SELECT run, max(step) AS steps FROM metrics GROUP BY run"),
                Table("b", "SELECT width, avg(loss) AS loss FROM metrics JOIN params USING (run) GROUP BY width -- lr_schedule is constant"),
            ],
            Plots = [Plot("p", "SELECT step, loss, 'lr=' || LR AS curve FROM metrics JOIN swept USING (run)")],
        };
        var columns = new Dictionary<string, IReadOnlyList<string>>
        {
            ["a"] = ["loss"], ["one_lr"] = ["loss"], ["per_run"] = ["run", "steps"], ["b"] = ["width", "loss"],
        };
        var warning = Assert.Single(SweptKeyCoverage.Check(analysis, Sweep(("train.lr", ["0.001", "0.003", "0.01"])), columns));
        // lr_schedule is another identifier, not lr.
        Assert.Equal(["analysis.tables[0]", "analysis.tables[3]"], warning.Paths);
        Assert.StartsWith("analysis tables 'a' (analysis.tables[0]) and 'b' (analysis.tables[3]) have no column 'lr', although the sweep " +
            "varies train.lr over 3 values: each row mixes runs with different lr (add lr to their SELECT and GROUP BY", warning.Message);
    }

    [Fact]
    public void An_OLMo_size_key_is_kept_apart_by_the_parameter_count_and_heads_is_not()
    {
        // The shipped OLMo analyses group by model.arrow's parameters, one per preset or width; heads leaves it unchanged.
        var analysis = new AnalysisSpec
        {
            Tables = [Table("final", "SELECT m.parameters, avg(t.loss) AS loss FROM task_metrics t JOIN model m USING (run) GROUP BY ALL")],
        };
        var columns = new Dictionary<string, IReadOnlyList<string>> { ["final"] = ["parameters", "loss"] };
        var sweep = Sweep(("olmo.preset", ["4M", "20M"]), ("olmo.hidden", ["16", "64"]), ("olmo.heads", ["2", "4"]));
        var warning = Assert.Single(SweptKeyCoverage.Check(analysis, sweep, columns));
        Assert.Equal("olmo.heads", warning.Key);
    }

    [Fact]
    public void A_table_whose_columns_are_unknown_is_not_judged()
    {
        // A table that failed its check (its error is reported), or every table where DuckDB is not shipped.
        var analysis = new AnalysisSpec { Tables = [Table("a", "SELECT avg(loss) AS loss FROM metrics")] };
        Assert.Empty(SweptKeyCoverage.Check(analysis, Sweep(("train.lr", ["1", "2"])), new Dictionary<string, IReadOnlyList<string>>()));
    }

    [Fact]
    public void A_plot_alone_is_told_to_name_the_key_in_its_series_or_filter()
    {
        var analysis = new AnalysisSpec { Plots = [Plot("p", "SELECT step, avg(loss) AS loss FROM metrics GROUP BY step")] };
        var warning = Assert.Single(SweptKeyCoverage.Check(analysis, Sweep(("synthetic.basis", ["identity", "random"])),
            new Dictionary<string, IReadOnlyList<string>>()));
        Assert.Equal("plot 'p' (analysis.plots[0]) does not mention basis, although the sweep varies synthetic.basis over 2 values: each " +
            "point mixes runs with different basis (select basis as its series, or keep one value with WHERE basis = ...)", warning.Message);
    }

    [Fact]
    public void A_plot_keeping_the_key_as_its_series_does_not_warn_and_only_the_runs_seed_is_averaged_on_purpose()
    {
        var analysis = new AnalysisSpec { Plots = [Plot("by_lr", "SELECT * FROM per_lr") with { Series = "lr" }, Plot("all", "SELECT * FROM per_lr")] };
        var warning = Assert.Single(SweptKeyCoverage.Check(analysis, Sweep(("train.lr", ["0.001", "0.003"])), new Dictionary<string, IReadOnlyList<string>>()));
        Assert.Equal(["analysis.plots[1]"], warning.Paths);
        // The DAS probe's seed draws other pairs: a sweep of it is not the runs' seed, and its values are not replicates.
        Assert.Single(SweptKeyCoverage.Check(Analysis, Sweep(("probes.das.seed", ["0", "1"])), Columns));
        Assert.Empty(SweptKeyCoverage.Check(Analysis, Sweep(("seed", ["0", "1"])), Columns));
    }

    [Fact]
    public void An_olmo_advice_names_the_swept_keys_it_pools_and_not_those_it_keeps_apart()
    {
        var advising = new AnalysisSpec { Advise = new AdviseSpec() };
        var sweep = Sweep(("olmo.preset", ["4M", "20M"]), ("seed", ["0", "1"]), ("data.tasks[0].frequency", ["0.001", "0.003"]),
            ("data.tasks[1].gap", ["10", "100"]), ("train.lr", ["0.001", "0.003"]), ("train.steps", ["100"]));
        var warnings = SweptKeyCoverage.Advice("olmo", advising, sweep);
        Assert.Equal(["data.tasks[1].gap", "train.lr"], warnings.Select(w => w.Key));
        Assert.All(warnings, w => Assert.Equal(["analysis.advise"], w.Paths));
        Assert.Equal("the advice (analysis.advise) pools the runs of every train.lr value as seeds of one setting (it keeps task kinds, " +
            "model sizes and frequencies apart, nothing else), so its boundaries mix 2 values of lr; sweep one lr per pipeline for advice on each",
            warnings[1].Message);
        // No advice, or a synthetic one (computed per mixture of swept values): nothing pooled.
        Assert.Empty(SweptKeyCoverage.Advice("olmo", new AnalysisSpec(), sweep));
        Assert.Empty(SweptKeyCoverage.Advice("synthetic", advising, sweep));
    }

    [Fact]
    public void The_loader_warns_from_the_checked_tables_columns()
    {
        // What validate and run print: the tables' columns are those the check before training created.
        var yaml = string.Join('\n',
            "name: a", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}", "train: {steps: 10}",
            "sweep: {synthetic.width: [4, 8], train.lr: [0.01, 0.1]}",
            "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT p.width, avg(m.loss) AS loss FROM metrics m JOIN params p USING (run) GROUP BY ALL'}") + "\n";
        var warning = Assert.Single(SpecLoader.LoadText(yaml, "a.yaml").AnalysisWarnings);
        Assert.Equal("train.lr", warning.Key);
        Assert.Equal(["analysis.tables[0]"], warning.Paths);
        Assert.Empty(SpecLoader.LoadText(yaml, "a.yaml", checkAnalysis: false).AnalysisWarnings);
    }
}

/// <summary>Every shipped pipeline's analysis keeps apart each key its own sweep varies (under each profile): a warning
/// there would greet every user of it, and hide the one that matters when they add a key.</summary>
public class ShippedAnalysisSweepCoverageTests
{
    [Theory]
    [MemberData(nameof(Spec.ShippedPipelineRoundTripTests.ShippedPipelines), MemberType = typeof(Spec.ShippedPipelineRoundTripTests))]
    public void A_shipped_analysis_mixes_none_of_its_own_swept_keys(string file, string? profile)
    {
        var loaded = SpecLoader.Load(Pipeline.RepoFiles.Pipeline(file), profile);
        Assert.True(loaded.AnalysisWarnings.Count == 0, string.Join('\n', loaded.AnalysisWarnings.Select(w => w.Message)));
    }
}

/// <summary>data-injection-preview keeps apart the runs of each schedule (tasks' counts by tokens per step and steps) and
/// pools its bad lines on purpose, so a sweep of data.packing.seq_len, batch_size or train.steps greets the user with no
/// warning: the plot, which blended such runs, and the quality table, which counts each bad line of the corpus once
/// whatever the run that met it, were named.</summary>
public class ShippedDataPreviewScheduleSweepTests
{
    [Theory]
    [InlineData("data.packing.seq_len", "[256,512]")]
    [InlineData("data.packing.batch_size", "[8,16]")]
    [InlineData("train.steps", "[100,300]")]
    public void A_schedule_sweep_is_not_warned(string key, string values)
    {
        var loaded = SpecLoader.Load(Pipeline.RepoFiles.Pipeline("data-injection-preview.yaml"), "cpu", [$"sweep.{key}={values}"]);
        Assert.Equal(2, loaded.Spec.Sweep[key].Count);   // the sweep the check judged
        Assert.True(loaded.AnalysisWarnings.Count == 0, string.Join('\n', loaded.AnalysisWarnings.Select(w => w.Message)));
    }
}
