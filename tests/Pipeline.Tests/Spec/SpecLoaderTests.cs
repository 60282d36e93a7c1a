using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

public class SpecLoaderTests
{
    [Fact]
    public void Valid_file_binds_every_written_value()
    {
        var spec = Load(Capacity).Spec;

        Assert.Equal("synthetic-capacity", spec.Name);
        Assert.Equal("Fig 2 phase diagram", spec.Description);
        Assert.Equal("synthetic", spec.Experiment);
        Assert.Equal("cpu", spec.Device);
        Assert.Equal(0, spec.Seed);
        Assert.Equal(new SyntheticSpec { Tasks = 32, DimsPerTask = 16, FrequencyExponent = 1.2, SpectrumExponent = 1.0, Width = 16 }, spec.Synthetic);
        Assert.Equal(new TrainSpec { Steps = 100_000, BatchSize = 256, Lr = 1e-3, LrSchedule = "cosine", LogEvery = 1000 }, spec.Train);

        Assert.Equal(["synthetic.width", "seed"], spec.Sweep.Keys);
        Assert.Equal(["4", "8", "16", "32"], spec.Sweep["synthetic.width"]);
        Assert.Equal(["0", "1"], spec.Sweep["seed"]);

        var table = Assert.Single(spec.Analysis.Tables);
        Assert.Equal("final_loss", table.Name);
        Assert.Equal("SELECT run, p.width, task, loss FROM metrics JOIN params p USING (run) WHERE step = (SELECT max(step) FROM metrics)\n", table.Sql);
        Assert.True(table.Print);

        var plot = Assert.Single(spec.Analysis.Plots);
        Assert.Equal(("phase_diagram", "heatmap", "SELECT width, task, loss FROM final_loss", "task", "width", "loss"),
            (plot.Name, plot.Kind, plot.Sql, plot.X, plot.Y, plot.Value));
        Assert.Null(plot.Series);
        Assert.Equal((900, 600), (plot.WidthPx, plot.HeightPx));
        var overlay = Assert.Single(plot.Overlays);
        Assert.Equal(new OverlaySpec { Sql = "SELECT task, min(rank) AS width FROM utilities GROUP BY task", X = "task", Y = "width", Label = "theory", Style = "step" }, overlay);
    }

    [Fact]
    public void Omitted_fields_keep_the_record_defaults()
    {
        var spec = Load("name: minimal\n").Spec;

        Assert.Equal(new SyntheticSpec(), spec.Synthetic);
        Assert.Equal(new TrainSpec(), spec.Train);
        Assert.Empty(spec.Sweep);
        Assert.Empty(spec.Analysis.Tables);
        Assert.Empty(spec.Analysis.Plots);
    }

    [Fact]
    public void Snake_case_keys_bind_multi_word_properties()
    {
        var spec = Load(Yaml(
            "name: a",
            "train: {min_lr_ratio: 0.5, warmup_steps: 7, init_scale: 0.2}",
            "synthetic: {spectrum_scale: 2.5, basis: random}",
            "analysis:",
            "  plots:",
            "    - {name: p, kind: line, sql: s, x: a, y: b, x_label: X, y_label: Y, log_x: true, log_y: true, width_px: 640, height_px: 480, series: run}"
        )).Spec;

        Assert.Equal((0.5, 7L, 0.2), (spec.Train.MinLrRatio, spec.Train.WarmupSteps, spec.Train.InitScale));
        Assert.Equal((2.5, "random"), (spec.Synthetic.SpectrumScale, spec.Synthetic.Basis));
        var plot = spec.Analysis.Plots[0];
        Assert.Equal(("X", "Y", true, true, 640, 480, "run"), (plot.XLabel, plot.YLabel, plot.LogX, plot.LogY, plot.WidthPx, plot.HeightPx, plot.Series));
    }

    [Fact]
    public void Loaded_collections_cannot_be_mutated_through_a_cast()
    {
        var spec = Load(Capacity).Spec;

        Assert.Throws<NotSupportedException>(() => ((IList<AnalysisTableSpec>)spec.Analysis.Tables).Clear());
        Assert.Throws<NotSupportedException>(() => ((IDictionary<string, IReadOnlyList<string>>)spec.Sweep).Clear());
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_in_results_and_errors()
    {
        var path = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.yaml");
        try
        {
            File.WriteAllText(path, Capacity);
            var loaded = SpecLoader.Load(path, "cpu");
            Assert.Equal(path, loaded.SourceName);
            Assert.Equal("cpu", loaded.Profile);
            Assert.Equal(3000, loaded.Spec.Train.Steps);

            File.WriteAllText(path, "name: a\nseed: x\n");
            var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(path)).Errors);
            Assert.Equal((path, 2, 7, "seed"), (error.Source, error.Line, error.Column, error.Path));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Missing_file_is_a_spec_error_not_an_io_exception()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}", "pipeline.yaml");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(path)).Errors);

        Assert.Equal(path, error.Source);
        Assert.Equal(0, error.Line);
        Assert.Contains("file not found", error.Message);
    }

    [Fact]
    public void A_missing_relative_file_names_the_folder_it_was_looked_for_in()
    {
        // `pipeline validate pipelines/x.yaml` run from outside the repository: the error said only "file not found".
        var path = Path.Combine($"missing-{Guid.NewGuid():N}", "x.yaml");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(path)).Errors);

        Assert.Equal((path, $"file not found (a relative path is read from the current folder, {Directory.GetCurrentDirectory()})"),
            (error.Source, error.Message));
    }

    [Fact]
    public void A_directory_is_a_spec_error_too()
    {
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(Path.GetTempPath())).Errors);
        Assert.Contains("is a folder; give a pipeline file", error.Message);
    }
}
