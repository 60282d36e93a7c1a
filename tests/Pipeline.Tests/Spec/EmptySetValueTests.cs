using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>An empty `--set key=` on a key that needs a value says what an empty value does (it clears a key that may be
/// left unset) and what to write for this key, the same way for every type; it used to say "expected an integer, got
/// null" and stop there. The same empty value in the file keeps the plain message.</summary>
public class EmptySetValueTests
{
    const string Clears = "an empty --set value clears only a key that may be left unset (an optional section, e.g. --set probes.das=, " +
                          "or an optional value such as data.tokenizer.path); ";

    [Theory]
    [InlineData("train.steps=", "train.steps", "expected an integer, got null; " + Clears +
        "train.steps needs an integer: write one, e.g. --set train.steps=100000 (its default, which leaving the --set out also gives)")]
    [InlineData("train.lr=", "train.lr", "expected a number, got null; " + Clears +
        "train.lr needs a number: write one, e.g. --set train.lr=0.001 (its default, which leaving the --set out also gives)")]
    [InlineData("train.optimizer=", "train.optimizer", "expected a string, got null; " + Clears +
        "train.optimizer needs a string: write one, e.g. --set train.optimizer=adam (its default, which leaving the --set out also gives)")]
    [InlineData("synthetic.rare.rank_one=", "synthetic.rare.rank_one", "expected true or false, got null; " + Clears +
        "synthetic.rare.rank_one needs true or false: write --set synthetic.rare.rank_one=true or --set synthetic.rare.rank_one=false (its default is true)")]
    [InlineData("analysis.tables=", "analysis.tables", "expected a list of mappings, got null; " + Clears +
        "analysis.tables needs a list of mappings: write its items in a YAML list, or --set analysis.tables=[] for none")]
    // A section: its keys once (in "expected"), and a mapping to write, which merges (was "e.g. --set train=TEXT").
    [InlineData("train=", "train", "expected a mapping with keys steps, batch_size, optimizer, lr, lr_schedule, min_lr_ratio, warmup_steps, " +
        "log_every, init_scale, max_loss_ratio, got null; " + Clears + "train needs a mapping: write its keys, e.g. --set 'train={steps: 100000}', " +
        "which merges into the train already there (leaving the --set out keeps it)")]
    [InlineData("analysis=", "analysis", "expected a mapping with keys tables, plots, advise, got null; " + Clears +
        "analysis needs a mapping: write its keys, e.g. --set 'analysis={tables: ...}', which merges into the analysis already there " +
        "(leaving the --set out keeps it)")]
    [InlineData("sweep=", "sweep", "expected a mapping of field paths to lists of values, got null; " + Clears +
        "sweep needs a mapping of field paths to lists of values: write its entries, e.g. --set 'sweep={seed: [0, 1]}', which merges " +
        "into the sweep already there (--set FIELD=VALUE removes FIELD's entry: one value for every run)")]
    [InlineData("name=", "name", "expected a string, got null; " + Clears + "name needs a string: write one, e.g. --set name=TEXT")]
    [InlineData("sweep.seed=", "sweep.seed", "expected a non-empty list of values, got null; an empty --set value does not remove a sweep " +
        "entry: give its values, e.g. --set sweep.seed=[0,1], or one value for every run with --set seed=VALUE, which removes the entry")]
    public void An_empty_set_value_says_what_to_write(string set, string path, string message)
    {
        var error = Assert.Single(Errors("name: a\n", null, set));
        Assert.Equal(($"--set {set}", path, message), (error.Source, error.Path, error.Message));
    }

    [Fact]
    public void An_empty_value_in_the_file_says_what_to_write_there_not_the_set_hint()
    {
        // Not the --set's words (an empty --set value clears ...): the file's key needs its value written after the ':'.
        var error = Assert.Single(Errors("name: a\ntrain:\n  steps:\n"));
        Assert.Equal(("train.steps", "expected an integer, got null; write its value after the ':', e.g. 'steps: 100000' (its default, which removing the line also gives)"),
            (error.Path, error.Message));
    }

    // `--set sweep.seed=0,1` as a shell list reads: YAML's text '0,1', where a list belongs.
    [Theory]
    [InlineData("sweep.seed=0,1", "expected a list of values, got '0,1'; a sweep entry is a YAML list in brackets: write --set 'sweep.seed=[0, 1]'")]
    [InlineData("sweep.seed=3", "expected a list of values, got '3'; a sweep entry is a YAML list, even of one value: write --set 'sweep.seed=[3]', or for the same value in every run --set seed=3")]
    public void A_sweep_value_set_without_brackets_is_told_the_list(string set, string message)
    {
        var error = Assert.Single(Errors("name: a\n", null, set));
        Assert.Equal(($"--set {set}", "sweep.seed", message), (error.Source, error.Path, error.Message));
    }

    [Fact]
    public void An_empty_value_still_clears_an_optional_section()
    {
        Assert.Null(Load("name: a\nsynthetic: {rare: {gap: 5}}\n", null, "synthetic.rare=").Spec.Synthetic.Rare);
    }
}
