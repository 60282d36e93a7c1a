using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

public class ProfileTests
{
    [Fact]
    public void Without_a_profile_the_profiles_section_is_ignored()
    {
        var loaded = Load(Capacity);

        Assert.Null(loaded.Profile);
        Assert.Equal(100_000, loaded.Spec.Train.Steps);
        Assert.DoesNotContain("profiles", loaded.ResolvedYaml);
    }

    [Fact]
    public void Profile_mappings_merge_key_by_key()
    {
        var spec = Load(Capacity, "cpu").Spec;

        Assert.Equal(3000, spec.Train.Steps);
        // Keys the profile does not mention keep the base values.
        Assert.Equal((256, 1e-3, 1000L), (spec.Train.BatchSize, spec.Train.Lr, spec.Train.LogEvery));
    }

    [Fact]
    public void Profile_sweep_replaces_its_keys_and_keeps_the_others()
    {
        var sweep = Load(Capacity, "cpu").Spec.Sweep;

        Assert.Equal(new[] { "synthetic.width", "seed" }, sweep.Keys);
        Assert.Equal(new[] { "2", "4", "8" }, sweep["synthetic.width"]);
        Assert.Equal(new[] { "0", "1" }, sweep["seed"]);
    }

    [Fact]
    public void Profile_scalars_replace_and_sequences_replace_whole()
    {
        var yaml = Yaml(
            "name: a",
            "device: cpu",
            "analysis:",
            "  tables:",
            "    - {name: one, sql: s1}",
            "    - {name: two, sql: s2}",
            "profiles:",
            "  small:",
            "    device: auto",
            "    analysis:",
            "      tables:",
            "        - {name: three, sql: s3}");

        var spec = Load(yaml, "small").Spec;

        Assert.Equal("auto", spec.Device);
        Assert.Equal("three", Assert.Single(spec.Analysis.Tables).Name);
    }

    [Fact]
    public void Unknown_profile_lists_the_defined_ones()
    {
        var error = Assert.Single(Errors(Capacity, "gpuu"));

        Assert.Equal((11, 1, "profiles"), (error.Line, error.Column, error.Path));
        Assert.Contains("unknown profile 'gpuu'", error.Message);
        Assert.Contains("did you mean 'gpu'", error.Message);
        Assert.Contains("defined profiles: cpu, gpu", error.Message);
    }

    [Fact]
    public void Unknown_profile_in_a_file_without_profiles_says_so()
    {
        var error = Assert.Single(Errors("name: a\n", "cpu"));
        Assert.Contains("unknown profile 'cpu'; the file defines no profiles", error.Message);
    }

    // A profile added at the end of a file whose last section is analysis, indented as that section's key: the profile the
    // command names is there to see, and "unknown profile" alone sends the user looking for a typo.
    [Fact]
    public void A_profile_written_under_another_section_is_found_there()
    {
        var yaml = Yaml(
            "name: a",
            "profiles:",
            "  tiny:",
            "    train: {steps: 5}",
            "analysis:",
            "  tables:",
            "    - {name: t, sql: SELECT 1 AS a}",
            "  fast:",
            "    train: {steps: 2}");

        var error = Assert.Single(Errors(yaml, "fast"));

        Assert.Equal((8, 3), (error.Line, error.Column));
        Assert.Equal("unknown profile 'fast'; defined profiles: tiny; line 8 has a key 'fast' under 'analysis', not under the top-level " +
                     "'profiles:': a profile is a key indented under 'profiles:'", error.Message);
    }

    [Fact]
    public void A_profile_written_at_the_top_level_is_found_there()
    {
        var error = Assert.Single(Errors(Yaml("name: a", "cpu:", "  train: {steps: 5}"), "cpu"));

        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("the file defines no profiles; line 2 has a key 'cpu' at the top level, not under the top-level 'profiles:'", error.Message);
    }

    [Fact]
    public void A_profile_named_as_a_field_is_not_taken_for_one_written_out_of_place()
    {
        var error = Assert.Single(Errors(Yaml("name: a", "train: {steps: 5}"), "train"));

        Assert.Equal("unknown profile 'train'; the file defines no profiles", error.Message);
    }

    [Fact]
    public void A_typo_inside_a_profile_is_reported_at_the_profile_line()
    {
        var yaml = Yaml(
            "name: a",
            "profiles:",
            "  fast:",
            "    train: {stesp: 10}");

        var error = Assert.Single(Errors(yaml, "fast"));

        Assert.Equal((4, 13, "train"), (error.Line, error.Column, error.Path));
        Assert.Contains("unknown key 'stesp'", error.Message);
    }

    [Fact]
    public void A_profile_that_is_not_a_mapping_is_an_error_even_when_not_selected()
    {
        var error = Assert.Single(Errors(Yaml("name: a", "profiles:", "  gpu: cuda")));

        Assert.Equal((3, 8, "profiles.gpu"), (error.Line, error.Column, error.Path));
        Assert.Contains("a profile must be a mapping", error.Message);
    }

    /// <summary>A null `profiles:` is refused at its key, as a null `sweep:` is (each a mapping written with no value), saying the
    /// two ways the README gives: remove the line or write `{}` (the message stopped at "got null").</summary>
    [Theory]
    [InlineData("profiles: ~", 11, "sweep: ~")]
    [InlineData("profiles:", 10, "sweep:")]
    public void A_null_profiles_section_is_refused_as_a_null_sweep_is(string line, int column, string sweepLine)
    {
        var error = Assert.Single(Errors(Yaml("name: a", line)));
        Assert.Equal((2, column, "profiles"), (error.Line, error.Column, error.Path));
        Assert.Equal("expected a mapping of profile name to overrides, got null; write 'profiles: {}' for none (or indent its profiles " +
            "under it), or remove the line", error.Message);

        var sweep = Assert.Single(Errors(Yaml("name: a", sweepLine)));
        Assert.Equal((2, column - 3, "sweep"), (sweep.Line, sweep.Column, sweep.Path));
        Assert.EndsWith(", got null; write 'sweep: {}' for none (or indent its entries under it), or remove the line", sweep.Message);
    }

    /// <summary>A profile names the sweep's folder, &lt;artifacts&gt;/&lt;name&gt;-&lt;profile&gt;: a name with '/' or '..' would put the
    /// sweep in another's folder (`--profile x/../../other` ran in artifacts/other, setting that sweep's runs aside), so profile
    /// names follow the pipeline name's rule, refused at their key, also when another profile is selected.</summary>
    [Theory]
    [InlineData("x/../../other")]
    [InlineData("a b")]
    [InlineData(".hidden")]
    public void A_profile_name_that_is_not_a_folder_name_is_refused_at_its_key(string name)
    {
        var yaml = Yaml("name: t", "profiles:", "  cpu: {train: {steps: 2}}", $"  '{name}': {{train: {{steps: 3}}}}");
        foreach (var selected in new[] { name, "cpu" })
        {
            var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "p.yaml", selected)).Errors);
            Assert.Equal(("profiles", 4, 3), (error.Path, error.Line, error.Column));
            Assert.Contains($"'{name}' is not a valid profile name", error.Message);
        }
        Assert.Equal(2, Load(Yaml("name: t", "profiles:", "  cpu-capacity.v2: {train: {steps: 2}}"), "cpu-capacity.v2").Spec.Train.Steps);
    }

    /// <summary>Profiles are read at the top of the file only: `profiles:` inside a profile was dropped unread (its
    /// profile loaded, the nested one was nowhere), so it is refused at its key, also when another profile is selected.</summary>
    [Fact]
    public void Profiles_inside_a_profile_are_refused_at_their_key()
    {
        var yaml = Yaml("name: t", "profiles:", "  cpu:", "    train: {steps: 2}", "    profiles:", "      fast: {seed: 3}", "  gpu: {device: cuda}");
        foreach (var selected in new[] { "cpu", "gpu", null })
        {
            var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.LoadText(yaml, "p.yaml", selected)).Errors);
            Assert.Equal(("profiles.cpu", 5, 5), (error.Path, error.Line, error.Column));
            Assert.Equal("unknown key 'profiles': a profile cannot hold profiles; define each one under the file's top-level 'profiles:'", error.Message);
        }
    }
}
