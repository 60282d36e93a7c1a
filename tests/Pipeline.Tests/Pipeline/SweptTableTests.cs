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

    /// <summary>A sweep an earlier version trained, whose swept.arrow typed a double field swept as [1, 2] BIGINT (by its
    /// literals): its analysis, checked against the field's DOUBLE, failed on `format('{:.1f}', ...)` under `analyze` and
    /// `run --resume`. The loaded column takes the field's type; the files stay as they were written.</summary>
    [Fact]
    public async Task An_earlier_versions_sweep_whose_swept_file_typed_a_double_key_bigint_is_analysed_as_double()
    {
        File.WriteAllText(Path.Combine(dir, "t.yaml"), Yaml(
            "name: t", "device: cpu",
            "synthetic: {tasks: 2, dims_per_task: 2, width: 2}",
            "train: {steps: 10, batch_size: 8, log_every: 10}",
            "sweep:",
            "  synthetic.spectrum_scale: [1, 2]",
            "analysis:",
            "  tables:",
            "    - name: labels",
            "      sql: SELECT format('scale {:.1f}', spectrum_scale) AS label, typeof(spectrum_scale) AS type FROM swept ORDER BY 1"));
        var limit = TimeSpan.FromMinutes(3);
        var trained = Host.CliProcess.Run(dir, limit, "run", "t.yaml", "--no-analysis");
        Assert.True(trained.Exit == 0, trained.Out + trained.Err);
        var runs = Directory.GetDirectories(Path.Combine(dir, "artifacts", "t", "runs"));
        Assert.Equal(2, runs.Length);
        foreach (var run in runs)
        {
            // As an earlier version wrote it: the value as a BIGINT column.
            long scale = long.Parse(Path.GetFileName(run).Split('-')[^1]);
            var column = new Apache.Arrow.Int64Array.Builder().Append(scale).Build();
            using var batch = new Apache.Arrow.RecordBatch(new Apache.Arrow.Schema([new Apache.Arrow.Field("spectrum_scale", column.Data.DataType, false)], null), [column], 1);
            await Retention.Artifacts.ArrowFiles.WriteBatchAsync(Path.Combine(run, SweptValues.File), batch);
        }

        var analyze = Host.CliProcess.Run(dir, limit, "analyze", Path.Combine("artifacts", "t"));
        Assert.True(analyze.Exit == 0, analyze.Out + analyze.Err);
        Assert.Contains("scale 1.0  DOUBLE", analyze.Out);
        Assert.Contains("scale 2.0  DOUBLE", analyze.Out);
        var resumed = Host.CliProcess.Run(dir, limit, "run", "t.yaml", "--resume");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("scale 2.0  DOUBLE", resumed.Out);
        // A query of that sweep alone reads its files' type, as the README says.
        var query = Host.CliProcess.Run(dir, limit, "query", Path.Combine("artifacts", "t"), "SELECT DISTINCT typeof(spectrum_scale) AS t FROM swept");
        Assert.True(query.Exit == 0, query.Out + query.Err);
        Assert.Contains("BIGINT", query.Out);
        foreach (var run in runs)
        {
            using var reader = new ArrowFileReader(File.OpenRead(Path.Combine(run, SweptValues.File)));
            Assert.Equal("int64", Assert.Single(reader.Schema.FieldsList).DataType.Name);   // left as written
        }
    }
}
