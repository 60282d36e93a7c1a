using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

public class SetOverrideTests
{
    [Fact]
    public void Set_replaces_scalars_at_any_depth()
    {
        var spec = Load(Capacity, null, "train.steps=500", "device=cuda", "description=a=b").Spec;

        Assert.Equal(500, spec.Train.Steps);
        Assert.Equal("cuda", spec.Device);
        Assert.Equal("a=b", spec.Description); // only the first '=' separates path and value
    }

    [Fact]
    public void Set_applies_after_the_profile()
    {
        Assert.Equal(500, Load(Capacity, "cpu", "train.steps=500").Spec.Train.Steps);
    }

    [Fact]
    public void Set_creates_sections_the_file_does_not_have()
    {
        Assert.Equal(0.25, Load("name: a\n", null, "train.lr=0.25").Spec.Train.Lr);
    }

    [Fact]
    public void Set_takes_flow_lists_and_mappings()
    {
        var loaded = Load(Capacity, null, "sweep.seed=[0,1,2]", "train={steps: 5}");

        Assert.Equal(new[] { "0", "1", "2" }, loaded.Spec.Sweep["seed"]);
        Assert.Equal(12, loaded.Runs.Count);
        // A mapping merges like a profile: the other train keys stay.
        Assert.Equal((5L, 256), (loaded.Spec.Train.Steps, loaded.Spec.Train.BatchSize));
    }

    [Fact]
    public void Set_replaces_a_list_of_records()
    {
        var spec = Load(Capacity, null, "analysis.tables=[{name: t2, sql: 'SELECT 1'}]").Spec;
        Assert.Equal(new AnalysisTableSpec { Name = "t2", Sql = "SELECT 1" }, Assert.Single(spec.Analysis.Tables));
    }

    [Fact]
    public void Set_on_a_swept_field_removes_it_from_the_sweep()
    {
        var loaded = Load(Capacity, null, "synthetic.width=8");

        Assert.Equal(new[] { "seed" }, loaded.Spec.Sweep.Keys);
        Assert.Equal(new[] { "seed-0", "seed-1" }, loaded.Runs.Select(r => r.RunId));
        Assert.All(loaded.Runs, r => Assert.Equal(8, r.Spec.Synthetic.Width));
    }

    [Fact]
    public void Bad_value_names_the_set_as_source()
    {
        var error = Assert.Single(Errors(Capacity, null, "train.steps=abc"));

        Assert.Equal(new SpecError("--set train.steps=abc", 0, 0, "train.steps", "expected an integer, got 'abc'"), error);
    }

    [Fact]
    public void Unknown_path_says_which_keys_exist_there()
    {
        var error = Assert.Single(Errors(Capacity, null, "train.stpes=5"));

        Assert.Equal(("--set train.stpes=5", "train"), (error.Source, error.Path));
        Assert.Contains("unknown key 'stpes' (did you mean 'steps'?)", error.Message);
        Assert.Contains("allowed: steps, batch_size, optimizer, lr", error.Message);
    }

    [Fact]
    public void Path_below_a_scalar_is_an_error()
    {
        var error = Assert.Single(Errors(Capacity, null, "seed.x=1"));
        Assert.Contains("'seed' is an integer, it has no key 'x'", error.Message);
    }

    [Fact]
    public void Assignment_without_equals_sign_is_an_error()
    {
        var error = Assert.Single(Errors(Capacity, null, "train.steps"));
        Assert.Equal("--set train.steps", error.Source);
        Assert.Contains("expected path=value", error.Message);
    }

    [Fact]
    public void Value_with_a_syntax_error_names_the_set()
    {
        var error = Assert.Single(Errors(Capacity, null, "sweep.seed=[0,1"));

        Assert.Equal(("--set sweep.seed=[0,1", "sweep.seed"), (error.Source, error.Path));
        Assert.Contains("unclosed '['", error.Message);
    }

    [Fact]
    public void Empty_value_is_null_and_rejected_for_a_number()
    {
        var error = Assert.Single(Errors(Capacity, null, "train.lr="));
        // What an empty --set value does, and what to write here, follow (EmptySetValueTests).
        Assert.StartsWith("expected a number, got null; an empty --set value clears only a key that may be left unset", error.Message);
    }

    [Fact]
    public void Every_bad_set_is_reported_at_once()
    {
        var errors = Errors(Capacity, null, "bogus=1", "train.steps=5", "nope.x=2");

        Assert.Equal(new[] { "--set bogus=1", "--set nope.x=2" }, errors.Select(e => e.Source));
    }

    [Fact]
    public void A_set_sweep_entry_is_checked_like_one_in_the_file()
    {
        var error = Assert.Single(Errors(Capacity, null, "sweep.synthetic.widht=[1]"));

        Assert.Equal(("--set sweep.synthetic.widht=[1]", "sweep"), (error.Source, error.Path));
        Assert.Contains("did you mean 'width'", error.Message);
    }

    [Fact]
    public void A_bad_experiment_or_sweep_is_the_one_error_not_followed_by_the_analysis_sql_it_breaks()
    {
        // The analysis is checked against the tables the runs write: unknown with these two in error, and its SQL would
        // only say `metrics` or a swept column is missing.
        static IReadOnlyList<SpecError> Checked(string yaml, string set) =>
            Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "test.yaml", null, [set])).Errors;
        const string reads = "name: a\nsynthetic: {tasks: 4, dims_per_task: 4, width: 4}\ntrain: {steps: 10}\nsweep: {synthetic.width: [2, 4]}\n" +
            "analysis:\n  tables: [{name: t, sql: 'SELECT s.width, max(m.step) AS steps FROM metrics m JOIN swept s USING (run) GROUP BY 1'}]\n";
        var experiment = Assert.Single(Checked(reads, "experiment=synthetc"));
        Assert.Equal("experiment", experiment.Path);
        Assert.Contains("unknown experiment 'synthetc' (did you mean 'synthetic'?); allowed: synthetic, data, olmo", experiment.Message);
        Assert.Equal("sweep.synthetic.width", Assert.Single(Checked(reads, "sweep.synthetic.width=8")).Path);
        // Other errors still come with the analysis's own.
        var typo = reads.Replace("max(m.step)", "max(m.stpe)");
        Assert.Equal(["analysis.tables[0].sql", "train.steps"], Checked(typo, "train.steps=-1").Select(e => e.Path).Order());
        Assert.Equal(["analysis.tables[0].sql", "train.steps"], Checked(typo, "train.steps=x").Select(e => e.Path).Order());
    }
}
