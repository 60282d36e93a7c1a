using Apache.Arrow.Ipc;
using Retention.Pipeline;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Pipeline;

/// <summary>swept.arrow as the README offers it to analyses ("JOIN swept USING (run)"): checked before
/// training, and every run's file typed by the whole sweep, so the tables load together.</summary>
public class SweptTableTests() : InTempFolder("swept-")
{
    [Fact]
    public async Task An_analysis_over_swept_runs_and_a_key_of_integers_and_fractions_is_double_in_every_run()
    {
        var pipeline = Load(Yaml(
            "name: t",
            "synthetic: {tasks: 2, dims_per_task: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}",
            "sweep:",
            "  synthetic.width: [2, 3]",
            "  synthetic.spectrum_scale: [1, 0.5]",
            "analysis:",
            "  tables:",
            "    - name: by_scale",
            "      sql: SELECT s.spectrum_scale, sum(s.width) AS widths, count(*) AS runs FROM swept s GROUP BY ALL ORDER BY ALL"));
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);

        var table = Assert.Single(result.Tables).Result;
        // Two scales, each trained at widths 2 and 3.
        Assert.Equal(["0.5 5 2", "1 5 2"], table.Rows.Select(r => string.Join(' ', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));
        Assert.IsType<double>(table.Rows[1][0]);
        foreach (var run in pipeline.Runs)
        {
            using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(result.SweepDir, "runs", run.RunId, SweptValues.File)));
            Assert.Equal(["int64", "double"], reader.Schema.FieldsList.Select(f => f.DataType.Name));
        }
    }

    [Fact]
    public async Task A_key_takes_its_fields_type_whatever_literal_the_sweep_wrote()
    {
        // spectrum_scale is a double written as integers, width an int written as hex (YAML): the README's DOUBLE and
        // BIGINT, so a query over swept reads one type whichever values a sweep happens to list.
        var pipeline = Load(Yaml(
            "name: t",
            "synthetic: {tasks: 2, dims_per_task: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}",
            "sweep:",
            "  synthetic.width: [0x2, 3]",
            "  synthetic.spectrum_scale: [1, 2]",
            "analysis:",
            "  tables:",
            "    - name: types",
            "      sql: SELECT DISTINCT typeof(s.width) AS w, typeof(s.spectrum_scale) AS scale, s.spectrum_scale / 2 AS half, s.width FROM swept s ORDER BY ALL"));
        Assert.Equal(["int64", "double"], SweptValues.SchemaOf(pipeline.Swept).FieldsList.Select(f => f.DataType.Name));
        var result = await PipelineRunner.RunAsync(pipeline, dir, SilentProgress.Instance, CancellationToken.None);

        var table = Assert.Single(result.Tables).Result;
        Assert.Equal(["BIGINT DOUBLE 0.5 2", "BIGINT DOUBLE 0.5 3", "BIGINT DOUBLE 1 2", "BIGINT DOUBLE 1 3"],
            table.Rows.Select(r => string.Join(' ', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));
        foreach (var run in pipeline.Runs)
        {
            using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(result.SweepDir, "runs", run.RunId, SweptValues.File)));
            Assert.Equal(["int64", "double"], reader.Schema.FieldsList.Select(f => f.DataType.Name));
        }
    }
}
