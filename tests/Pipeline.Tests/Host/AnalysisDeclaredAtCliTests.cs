using System.Text.RegularExpressions;

namespace Retention.Tests.Host;

/// <summary>An analysis step that passes `validate` but fails when it runs (DuckDB cannot cast a value only the rows
/// hold) says where it is declared, as `validate` writes positions (`error: FILE:LINE:COLUMN: `), under `run` and
/// `analyze`: in the file given, in the profile that brought it, in the sweep's saved pipeline.yaml when `analyze` reads
/// that; a step a --set declared keeps the plain message. Exit codes are as before (1: the analysis failed).</summary>
public class AnalysisDeclaredAtCliTests() : InTempFolder("analysis-declared-at-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Head = "name: s\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 20, batch_size: 8, log_every: 10}\n";
    // Valid SQL over the runs' (empty, at validate) tables; only rows make the cast fail.
    const string Failing = "SELECT CAST('abc' AS INTEGER) AS x FROM metrics";

    string Write(string name, string yaml)
    {
        File.WriteAllText(Path.Combine(dir, name), yaml);
        return yaml;
    }

    /// <summary>"LINE:COLUMN" where <paramref name="text"/> first starts in <paramref name="yaml"/>, counted from the text.</summary>
    static string LineAndColumn(string yaml, string text)
    {
        var lines = yaml.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(line >= 0, $"'{text}' is not in:\n{yaml}");
        return $"{line + 1}:{lines[line].IndexOf(text, StringComparison.Ordinal) + 1}";
    }

    [Fact]
    public void Run_and_analyze_say_where_the_failing_table_is_declared()
    {
        var yaml = Write("f.yaml", Head + "analysis:\n  tables:\n    - name: ok\n      sql: SELECT count(*) AS n FROM metrics\n" +
            $"    - name: bad\n      sql: {Failing}\n");
        var at = $"f.yaml:{LineAndColumn(yaml, "CAST(")}";
        Assert.Equal("f.yaml:9:19", at);   // the YAML above, read by eye: line 9, at the CAST DuckDB's caret is under
        var validate = CliProcess.Run(dir, Limit, "validate", "f.yaml");
        Assert.True(validate.Exit == 0, validate.Out + validate.Err);

        var run = CliProcess.Run(dir, Limit, "run", "f.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.StartsWith($"error: {at}: analysis table 'bad': Conversion Error", run.Err);
        // `status` says where, as `run` did (it said the error alone): from the same folder the same words; from another,
        // the file absolute, as a path relative to where `run` ran would mislead there.
        var said = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(said.Exit == 1, said.Out + said.Err);
        Assert.Contains($"analysis: failed: {at}: analysis table 'bad': Conversion Error", said.Out);
        var elsewhere = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"declared-elsewhere-{Guid.NewGuid():N}")).FullName;
        try
        {
            var far = CliProcess.Run(elsewhere, Limit, "status", Path.Combine(dir, "artifacts", "s"));
            Assert.True(far.Exit == 1, far.Out + far.Err);
            Assert.Contains($"analysis: failed: {Path.Combine(Path.GetFullPath(dir), at)}: analysis table 'bad': Conversion Error", far.Out);
        }
        finally { Directory.Delete(elsewhere, recursive: true); }

        var given = CliProcess.Run(dir, Limit, "analyze", "artifacts/s", "--pipeline", "f.yaml");
        Assert.True(given.Exit == 1, given.Out + given.Err);
        Assert.StartsWith($"error: {at}: analysis table 'bad': Conversion Error", given.Err);

        // Without --pipeline the analysis is read from the sweep's saved pipeline.yaml: the position is in that file.
        var saved = CliProcess.Run(dir, Limit, "analyze", "artifacts/s");
        Assert.True(saved.Exit == 1, saved.Out + saved.Err);
        var m = Regex.Match(saved.Err, @"^error: (\S+):(\d+):(\d+): analysis table 'bad': Conversion Error");
        Assert.True(m.Success, saved.Err);
        Assert.Equal(Path.GetFullPath(Path.Combine(dir, "artifacts", "s", "pipeline.yaml")), Path.GetFullPath(m.Groups[1].Value));
        var savedYaml = File.ReadAllText(m.Groups[1].Value);
        Assert.Equal(LineAndColumn(savedYaml, "CAST("), $"{m.Groups[2].Value}:{m.Groups[3].Value}");

        // `status` repeats the latest outcome, at the saved pipeline.yaml's position, relative to the folder it runs in.
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Contains($"analysis: failed: {Path.Combine("artifacts", "s", "pipeline.yaml")}:{m.Groups[2].Value}:{m.Groups[3].Value}: " +
                        "analysis table 'bad': Conversion Error", status.Out);
    }

    [Fact]
    public void Status_says_where_each_of_several_failed_plots_is_declared()
    {
        // Two plots with no rows (drawn after one another, failing together) around one that draws.
        var yaml = Write("f.yaml", Head + "analysis:\n  plots:\n" +
            "    - {name: empty, kind: scatter, x: step, y: loss, sql: 'SELECT step, loss FROM metrics WHERE task = 99'}\n" +
            "    - {name: drawn, kind: scatter, x: step, y: loss, sql: 'SELECT step, loss FROM metrics'}\n" +
            "    - {name: also_empty, kind: scatter, x: step, y: loss, sql: 'SELECT step, loss FROM metrics WHERE step < 0'}\n");
        // Each plot is said at its quoted sql value.
        var empty = $"f.yaml:{LineAndColumn(yaml, "'SELECT step, loss FROM metrics WHERE task")}";
        var alsoEmpty = $"f.yaml:{LineAndColumn(yaml, "'SELECT step, loss FROM metrics WHERE step")}";
        Assert.Equal(("f.yaml:6:59", "f.yaml:8:64"), (empty, alsoEmpty));   // the YAML above, read by eye

        var run = CliProcess.Run(dir, Limit, "run", "f.yaml");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        var both = $"2 plots: {empty}: plot 'empty': the query returned no rows to plot; {alsoEmpty}: plot 'also_empty': the query returned no rows to plot";
        Assert.StartsWith($"error: {both}", run.Err);
        // `status` repeats each position as `run` said it (the outcome used to keep none: "at" is one step's), relative to
        // the folder it runs in, and absolute from another.
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.True(status.Exit == 1, status.Out + status.Err);
        Assert.Contains($"analysis: failed: {both} (the other plots were written)", status.Out);
        var elsewhere = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"declared-elsewhere-{Guid.NewGuid():N}")).FullName;
        try
        {
            var far = CliProcess.Run(elsewhere, Limit, "status", Path.Combine(dir, "artifacts", "s"));
            Assert.Contains($"; {Path.Combine(Path.GetFullPath(dir), alsoEmpty)}: plot 'also_empty'", far.Out);
        }
        finally { Directory.Delete(elsewhere, recursive: true); }
    }

    [Fact]
    public void A_profile_s_table_is_said_where_the_profile_declares_it()
    {
        // The base declares a working 'bad'; the profile's list replaces it with the failing one.
        var yaml = Write("p.yaml", Head + "analysis:\n  tables:\n    - name: bad\n      sql: SELECT count(*) AS n FROM metrics\n" +
            $"profiles:\n  cpu:\n    analysis:\n      tables:\n        - name: bad\n          sql: {Failing}\n");
        var at = $"p.yaml:{LineAndColumn(yaml, "CAST(")}";
        Assert.Equal("p.yaml:13:23", at);

        var run = CliProcess.Run(dir, Limit, "run", "p.yaml", "--profile", "cpu");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.StartsWith($"error: {at}: analysis table 'bad': Conversion Error", run.Err);
    }

    [Fact]
    public void A_table_a_set_declares_has_no_position_and_keeps_the_plain_message()
    {
        Write("f.yaml", Head + "analysis:\n  tables:\n    - name: ok\n      sql: SELECT count(*) AS n FROM metrics\n");

        var run = CliProcess.Run(dir, Limit, "run", "f.yaml", "--set", $"analysis.tables=[{{name: bad, sql: \"{Failing}\"}}]");
        Assert.True(run.Exit == 1, run.Out + run.Err);
        Assert.StartsWith("error: analysis table 'bad': Conversion Error", run.Err);
        var status = CliProcess.Run(dir, Limit, "status", "artifacts/s");
        Assert.Contains("analysis: failed: analysis table 'bad': Conversion Error", status.Out);
    }
}
