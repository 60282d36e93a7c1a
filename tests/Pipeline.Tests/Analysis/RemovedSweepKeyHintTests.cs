using Retention.Analysis;
using Retention.Spec;

namespace Retention.Tests.Analysis;

/// <summary>A --set on a swept key removes that key from the sweep (README "The YAML format"), so swept.arrow has no
/// column for it: an analysis written for the sweep then fails its check, and the error says why and where the value is.
/// And the words after each analysis error fit the command that checked it.</summary>
public class RemovedSweepKeyHintTests
{
    static string Tiny(string sweep, string sql) => string.Join('\n',
        "name: tiny",
        "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
        "train: {steps: 20, log_every: 10}",
        $"sweep: {sweep}",
        "analysis:",
        "  tables:",
        $"    - {{name: final, sql: '{sql}'}}") + "\n";

    const string Qualified = "SELECT s.width, avg(m.loss) AS loss FROM metrics m JOIN swept s USING (run) GROUP BY ALL";

    static SpecError Error(string yaml, params string[] sets) =>
        Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "tiny.yaml", sets: sets)).Errors);

    [Fact]
    public void A_column_of_swept_that_a_set_removed_names_the_set_the_value_and_params()
    {
        var error = Error(Tiny("{synthetic.width: [2, 4, 8], seed: [0, 1]}", Qualified), "synthetic.width=4");
        Assert.Equal("analysis.tables[0].sql", error.Path);
        Assert.StartsWith("Binder Error: Table \"s\" does not have a column named \"width\"", error.Message);
        Assert.EndsWith("\n`swept` has no column `width`: --set synthetic.width removed that sweep key " +
            "(the runs all have width 4; read it from `params` (JOIN params USING (run)) instead, or sweep it)", error.Message);
    }

    [Fact]
    public void An_unqualified_column_gets_the_same_hint()
    {
        var error = Error(Tiny("{synthetic.width: [2, 4, 8], seed: [0, 1]}", "SELECT width, avg(loss) FROM metrics JOIN swept USING (run) GROUP BY ALL"),
            "synthetic.width=8");
        Assert.Contains("Referenced column \"width\" not found", error.Message);
        Assert.Contains("--set synthetic.width removed that sweep key (the runs all have width 8;", error.Message);
    }

    [Fact]
    public void The_sweeps_only_key_removed_leaves_no_swept_table_and_the_hint_says_so()
    {
        var error = Error(Tiny("{synthetic.width: [2, 4, 8]}", Qualified), "synthetic={width: 2}");
        Assert.Contains("Table with name swept does not exist", error.Message);
        Assert.EndsWith("\nthe runs write no `swept` table: --set synthetic.width removed the sweep's only key " +
            "(the runs all have width 2; read it from `params` (JOIN params USING (run)) instead, or sweep it)", error.Message);
    }

    [Fact]
    public void A_key_no_parameter_table_has_is_given_as_a_literal()
    {
        var error = Error(Tiny("{synthetic.frequency_exponent: [1.0, 1.5], seed: [0, 1]}",
            "SELECT s.frequency_exponent, avg(m.loss) FROM metrics m JOIN swept s USING (run) GROUP BY ALL"), "synthetic.frequency_exponent=1.5");
        Assert.EndsWith("(the runs all have frequency_exponent 1.5; write it in the SQL as 1.5 AS frequency_exponent instead, or sweep it)",
            error.Message);
    }

    [Fact]
    public void Other_errors_get_no_hint()
    {
        // A typo, with the key still swept.
        var typo = Error(Tiny("{synthetic.width: [2, 4, 8], seed: [0, 1]}", Qualified.Replace("s.width", "s.widht")));
        Assert.DoesNotContain("--set", typo.Message);
        // A --set of a key the analysis never reads from swept.
        var other = Error(Tiny("{synthetic.width: [2, 4], seed: [0, 1]}", "SELECT nosuch FROM metrics"), "synthetic.width=4");
        Assert.DoesNotContain("--set", other.Message);
        // The same SQL loads while the key is swept.
        Assert.Equal(6, SpecLoader.LoadText(Tiny("{synthetic.width: [2, 4, 8], seed: [0, 1]}", Qualified), "tiny.yaml").Runs.Count);
    }

    [Theory]
    [InlineData(AnalysisCheckMoment.BeforeTraining, "(checked against the tables the runs will write, before training)")]
    [InlineData(AnalysisCheckMoment.Validation, "(checked against the tables the runs will write)")]
    [InlineData(AnalysisCheckMoment.BeforeAnalysis, "(checked against the tables runs write, before the sweep's files are read)")]
    public void Each_command_says_when_the_analysis_was_checked(AnalysisCheckMoment moment, string note)
    {
        var yaml = Tiny("{seed: [0, 1]}", "SELECT stpe FROM metrics");
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "tiny.yaml", analysisMoment: moment)).Errors);
        Assert.EndsWith(" " + note, error.Message);
        Assert.Equal(1, System.Text.RegularExpressions.Regex.Count(error.Message, @"\(checked against"));
    }
}
