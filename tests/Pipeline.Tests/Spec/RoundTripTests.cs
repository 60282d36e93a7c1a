using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

public class RoundTripTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void Every_run_yaml_loads_back_to_the_same_spec(string? profile)
    {
        foreach (var run in Load(Capacity, profile).Runs)
        {
            var reloaded = SpecLoader.LoadText(run.ResolvedYaml, run.RunId);

            SpecAssert.Equivalent(run.Spec, reloaded.Spec);
            var only = Assert.Single(reloaded.Runs);
            Assert.Equal("default", only.RunId);
            SpecAssert.Equivalent(run.Spec, only.Spec);
        }
    }

    [Fact]
    public void Pipeline_yaml_loads_back_to_the_same_spec_and_runs()
    {
        var loaded = Load(Capacity, "cpu", "train.lr=0.1");

        var reloaded = SpecLoader.LoadText(loaded.ResolvedYaml, "resolved.yaml");

        SpecAssert.Equivalent(loaded.Spec, reloaded.Spec);
        Assert.Equal(loaded.Runs.Select(r => r.RunId), reloaded.Runs.Select(r => r.RunId));
        for (var i = 0; i < loaded.Runs.Count; i++)
            SpecAssert.Equivalent(loaded.Runs[i].Spec, reloaded.Runs[i].Spec);
    }

    [Fact]
    public void Resolved_yaml_writes_out_defaults_and_drops_profiles()
    {
        var yaml = Load(Capacity, "gpu").ResolvedYaml;

        Assert.Contains("device: cuda", yaml);
        Assert.Contains("init_scale: 0.1", yaml); // a default the file never wrote
        Assert.DoesNotContain("profiles", yaml);
        Assert.Contains("synthetic.width:", yaml);
        Assert.Contains("sql: |\n      SELECT run, p.width, task, loss", yaml); // SQL stays readable
    }

    [Fact]
    public void Awkward_strings_and_numbers_survive_the_round_trip()
    {
        var yaml = Yaml(
            "name: '123'",
            "description: 'null'",
            "seed: -3",
            "train: {lr: 0.30000000000000004, min_lr_ratio: 0}",
            "analysis:",
            "  tables:",
            "    - name: t",
            "      sql: \"SELECT a -- note: 'x' # not a comment\\n  FROM t\\n\\n\"",
            "      print: false",
            "  plots:",
            "    - {name: p, kind: line, sql: 'SELECT 1', x: '1', y: 'true', title: '~', series: ''}");
        var spec = Load(yaml).Spec;

        // The SQL is a string under test here, not an analysis to check.
        var reloaded = SpecLoader.LoadText(SpecLoader.LoadText(yaml, "a.yaml", checkAnalysis: false).Runs[0].ResolvedYaml, "b.yaml", checkAnalysis: false).Spec;

        SpecAssert.Equivalent(spec, reloaded);
        Assert.Equal("null", reloaded.Description);
        Assert.Equal(0.30000000000000004, reloaded.Train.Lr);
        Assert.Equal("SELECT a -- note: 'x' # not a comment\n  FROM t\n\n", reloaded.Analysis.Tables[0].Sql);
    }

    [Fact]
    public void Equivalence_check_sees_a_difference_deep_inside()
    {
        var spec = Load(Capacity).Spec;
        var plot = spec.Analysis.Plots[0];
        var changed = spec with
        {
            Analysis = spec.Analysis with
            {
                Plots = [plot with { Overlays = [plot.Overlays[0] with { Style = "line" }] }],
            },
        };

        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SpecAssert.Equivalent(spec, changed));
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => SpecAssert.Equivalent(spec, spec with { Sweep = new Dictionary<string, IReadOnlyList<string>>() }));
        SpecAssert.Equivalent(spec, spec with { });
    }
}

public class ShippedPipelineRoundTripTests
{
    public static TheoryData<string, string?> ShippedPipelines()
    {
        var data = new TheoryData<string, string?>();
        var dir = Retention.Tests.Pipeline.RepoFiles.PipelinesDirectory;
        foreach (var file in Directory.GetFiles(dir, "*.yaml").Order())
        {
            var name = Path.GetFileName(file);
            data.Add(name, null);
            foreach (var profile in DefinedProfiles(file)) data.Add(name, profile);
        }
        return data;
    }

    static IEnumerable<string> DefinedProfiles(string file)
    {
        var yaml = new YamlDotNet.RepresentationModel.YamlStream();
        using (var reader = new StringReader(File.ReadAllText(file))) yaml.Load(reader);
        var root = (YamlDotNet.RepresentationModel.YamlMappingNode)yaml.Documents[0].RootNode;
        return root.Children.TryGetValue(new YamlDotNet.RepresentationModel.YamlScalarNode("profiles"), out var section)
            ? ((YamlDotNet.RepresentationModel.YamlMappingNode)section).Children.Keys.Select(k => k.ToString())
            : [];
    }

    /// <summary>`pipeline analyze SWEEP_DIR` reloads the sweep's resolved pipeline.yaml: for every
    /// shipped file and profile that YAML must load back to the same spec (a computed property
    /// once written as a key, data.packing.row_length, made OLMo sweeps unloadable).</summary>
    [Theory]
    [MemberData(nameof(ShippedPipelines))]
    public void Resolved_yaml_of_every_shipped_pipeline_loads_back(string file, string? profile)
    {
        var loaded = SpecLoader.Load(Retention.Tests.Pipeline.RepoFiles.Pipeline(file), profile);
        var reloaded = SpecLoader.LoadText(loaded.ResolvedYaml, $"{file} resolved");
        SpecAssert.Equivalent(loaded.Spec, reloaded.Spec);
        Assert.Equal(loaded.Runs.Select(r => r.RunId), reloaded.Runs.Select(r => r.RunId));
        foreach (var run in loaded.Runs)
            SpecAssert.Equivalent(run.Spec, SpecLoader.LoadText(run.ResolvedYaml, run.RunId).Spec);
    }
}
