namespace Retention.Tests.Host;

/// <summary>A plot column drawn as a number (a line or scatter plot's y, a heatmap's value, a line plot's overlay's y) that
/// the query gives as text or a boolean is refused by `validate` at that key; it passed, and the analysis after training
/// failed at the plot's sql with "'cmp' (String) is not a number".</summary>
public sealed class PlotColumnTypeCliTests() : InTempFolder("plot-column-type-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Errors(string err) => [.. err.Split("error: ").Skip(1).Select(e => e.Trim())];

    const string Pipeline = """
        name: types
        synthetic: {tasks: 4, dims_per_task: 4, width: 4}
        train: {steps: 20, log_every: 10}
        analysis:
          plots:
            - name: by_task
              kind: line
              sql: SELECT step, 'task ' || task AS label, loss FROM metrics
              x: step
              y: label
            - name: cells
              kind: heatmap
              sql: SELECT step, task, loss > 1 AS high FROM metrics
              x: step
              y: task
              value: high
            - name: fine
              kind: scatter
              sql: SELECT 'task ' || task AS label, round(loss::DECIMAL(9, 3), 2) AS d, NULL AS nothing FROM metrics
              x: label
              y: d
              overlays:
                - {sql: "SELECT step, 'x' AS t FROM metrics", x: step, y: t}

        """;

    [Fact]
    public void Validate_refuses_a_text_or_boolean_column_where_a_plot_draws_a_number_at_its_key()
    {
        File.WriteAllText(Path.Combine(dir, "types.yaml"), Pipeline);

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "types.yaml");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith("types.yaml:10:10: analysis.plots[0].y: column 'label' is text (VARCHAR), and a line plot's y is drawn as a number", errors[0]);
        Assert.Contains("CAST(label AS DOUBLE)", errors[0]);
        Assert.Contains("select it as 'series'", errors[0]);
        Assert.StartsWith("types.yaml:16:14: analysis.plots[1].value: column 'high' is BOOLEAN, and a heatmap's value is drawn as a number", errors[1]);
        // A text x is a categorical axis, a DECIMAL y a number; the overlay's text y is the one mistake of that plot.
        Assert.StartsWith("types.yaml:23:67: analysis.plots[2].overlays[0].y: column 't' is text (VARCHAR), and a scatter plot's overlay's y", errors[2]);
    }

    [Fact]
    public void Numbers_of_every_width_and_a_bare_null_pass()
    {
        File.WriteAllText(Path.Combine(dir, "ok.yaml"), """
            name: ok
            synthetic: {tasks: 4, dims_per_task: 4, width: 4}
            train: {steps: 20, log_every: 10}
            analysis:
              plots:
                - {name: a, kind: line, sql: 'SELECT step, loss::REAL AS r, task::UTINYINT AS u, step::HUGEINT AS h, NULL AS n FROM metrics', x: h, y: r}
                - {name: b, kind: line, sql: 'SELECT step, task::UTINYINT AS u FROM metrics', x: step, y: u}
                - {name: c, kind: scatter, sql: 'SELECT step, NULL AS n FROM metrics', x: step, y: n}
                - {name: d, kind: heatmap, sql: 'SELECT step, task, loss::DECIMAL(9, 3) AS v FROM metrics', x: step, y: task, value: v}

            """);

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "ok.yaml");

        Assert.True(exit == 0, err);
    }
}
