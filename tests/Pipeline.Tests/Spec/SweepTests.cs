using Retention.Spec;
using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

public class SweepTests
{
    [Fact]
    public void Cartesian_product_with_the_first_key_varying_slowest()
    {
        var runs = Load(Capacity).Runs;

        Assert.Equal(
            new[]
            {
                "width-4_seed-0", "width-4_seed-1", "width-8_seed-0", "width-8_seed-1",
                "width-16_seed-0", "width-16_seed-1", "width-32_seed-0", "width-32_seed-1",
            },
            runs.Select(r => r.RunId));
    }

    [Fact]
    public void A_rule_broken_only_by_some_swept_values_names_those_runs()
    {
        // warm-up must be shorter than the run: the error sits at warmup_steps (written once), but only steps 5 and 8 break it.
        var errors = Errors(Yaml("name: a", "train: {warmup_steps: 10}", "sweep:", "  train.steps: [5, 100, 8]", "  seed: [0, 1, 2]"));
        Assert.Equal(["train.warmup_steps", "train.warmup_steps"], errors.Select(e => e.Path));
        Assert.EndsWith("(5), got 10 (in runs steps-5_seed-0, steps-5_seed-1, steps-5_seed-2)", errors[0].Message);
        Assert.EndsWith("(8), got 10 (in runs steps-8_seed-0, steps-8_seed-1, steps-8_seed-2)", errors[1].Message);
        // Broken the same way in every run, it is the file's error and names no run.
        var everywhere = Assert.Single(Errors(Yaml("name: a", "train: {steps: 5, warmup_steps: 10}", "sweep:", "  seed: [0, 1, 2, 3]")));
        Assert.EndsWith("got 10", everywhere.Message);
    }

    [Fact]
    public void Each_run_has_its_values_substituted_and_no_sweep()
    {
        var runs = Load(Capacity).Runs;

        Assert.Equal(new[] { 4, 4, 8, 8, 16, 16, 32, 32 }, runs.Select(r => r.Spec.Synthetic.Width));
        Assert.Equal(new[] { 0, 1, 0, 1, 0, 1, 0, 1 }, runs.Select(r => r.Spec.Seed));
        Assert.All(runs, r => Assert.Empty(r.Spec.Sweep));
        // Everything not swept is the base document's.
        Assert.All(runs, r => Assert.Equal(100_000, r.Spec.Train.Steps));
    }

    [Fact]
    public void Parameters_use_the_short_key_in_sweep_order()
    {
        var run = Load(Capacity).Runs[5];

        Assert.Equal(new[] { "width", "seed" }, run.Parameters.Keys);
        Assert.Equal(new[] { "16", "1" }, run.Parameters.Values);
    }

    [Fact]
    public void No_sweep_gives_one_default_run_equal_to_the_spec()
    {
        var loaded = Load("name: single\ntrain: {steps: 10}\n");

        var run = Assert.Single(loaded.Runs);
        Assert.Equal("default", run.RunId);
        Assert.Empty(run.Parameters);
        SpecAssert.Equivalent(loaded.Spec, run.Spec);
    }

    [Fact]
    public void Profile_sweep_changes_the_run_count()
    {
        var runs = Load(Capacity, "cpu").Runs;

        Assert.Equal(6, runs.Count);
        Assert.Equal("width-2_seed-0", runs[0].RunId);
        Assert.All(runs, r => Assert.Equal(3000, r.Spec.Train.Steps));
    }

    [Fact]
    public void Run_ids_are_filesystem_safe()
    {
        var runs = Load(Yaml(
            "name: a",
            "sweep:",
            "  device: ['cuda:0', cpu]",
            "  train.lr: [1e-3, 0.5]")).Runs;

        Assert.Equal(new[] { "device-cuda-0_lr-1e-3", "device-cuda-0_lr-0.5", "device-cpu_lr-1e-3", "device-cpu_lr-0.5" },
            runs.Select(r => r.RunId));
        Assert.Equal("cuda:0", runs[0].Parameters["device"]);
        Assert.Equal((0.001, 0.5), (runs[0].Spec.Train.Lr, runs[1].Spec.Train.Lr));
    }

    [Fact]
    public void A_bad_swept_value_is_reported_once_at_its_place_in_the_sweep_list()
    {
        var error = Assert.Single(Errors(Yaml(
            "name: a",
            "sweep:",
            "  synthetic.width: [0, 4]",
            "  seed: [0, 1]")));

        Assert.Equal((3, 21, "sweep.synthetic.width[0]"), (error.Line, error.Column, error.Path));
        Assert.Equal("must be >= 1, got 0", error.Message);
    }

    [Fact]
    public void A_value_valid_alone_can_fail_in_combination()
    {
        var error = Assert.Single(Errors(Yaml(
            "name: a",
            "train: {warmup_steps: 50}",
            "sweep:",
            "  train.steps: [10, 100]")));

        Assert.Equal((2, 23, "train.warmup_steps"), (error.Line, error.Column, error.Path));
        Assert.Contains("must be less than train.steps (10)", error.Message);
    }

    [Fact]
    public void Base_value_overridden_by_the_sweep_is_not_checked()
    {
        var runs = Load(Yaml("name: a", "synthetic: {width: 0}", "sweep: {synthetic.width: [2, 3]}")).Runs;
        Assert.Equal(2, runs.Count);
    }

    [Fact]
    public void Duplicate_values_would_collide_on_disk()
    {
        var error = Assert.Single(Errors(Yaml("name: a", "sweep:", "  seed: [1, 2, 1]")));

        Assert.Equal((3, 16, "sweep.seed[2]"), (error.Line, error.Column, error.Path));
        Assert.Contains("duplicate sweep value '1'", error.Message);
    }

    [Fact]
    public void The_same_number_written_twice_or_a_label_swept_would_train_identical_runs()
    {
        var same = Assert.Single(Errors(Yaml("name: a", "sweep:", "  synthetic.frequency_exponent: [1, 2, 1.0]")));
        Assert.Equal((3, 40, "sweep.synthetic.frequency_exponent[2]"), (same.Line, same.Column, same.Path));
        Assert.Contains("'1' and '1.0' are the same number", same.Message);
        // A text field keeps its values apart as written.
        Assert.Equal(2, Load(Yaml("name: a", "sweep:", "  synthetic.basis: [identity, random]")).Runs.Count);
        Assert.Contains("labels the pipeline", Assert.Single(Errors(Yaml("name: a", "sweep:", "  name: [a, b]"))).Message);
    }

    /// <summary>experiment changes every run (it is no label, as the error said), and profiles is no field (the error said
    /// "unknown key 'profiles'" of a key the top level writes): each is told why it cannot be swept.</summary>
    [Fact]
    public void The_experiment_and_the_profiles_are_told_why_they_are_not_swept()
    {
        Assert.Equal("'experiment' cannot be swept: a sweep's runs are of one experiment, whose tables its analysis reads; write a pipeline file per experiment",
            Assert.Single(Errors(Yaml("name: a", "sweep:", "  experiment: [synthetic, data]"))).Message);
        Assert.Equal("'profiles' cannot be swept: --profile NAME selects one profile per run of the pipeline; run it once per profile",
            Assert.Single(Errors(Yaml("name: a", "sweep:", "  profiles: [cpu, gpu]"))).Message);
        // Still no field a list is told to sweep.
        Assert.DoesNotContain("sweep it", Assert.Single(Errors(Yaml("name: a", "experiment: [synthetic, data]"))).Message);
    }

    /// <summary>The analysis reads its section once over the whole sweep; a run's copy of it trains nothing. Swept, the same
    /// runs were trained once per value, under ids that differed only in that value.</summary>
    [Fact]
    public void Analysis_keys_are_not_swept()
    {
        var olmo = Yaml(
            "name: o",                                                                  // 1
            "experiment: olmo",                                                         // 2
            "data:",                                                                    // 3
            "  sources: [{paths: ['https://example.org/a.json.gz']}]",                  // 4
            "  packing: {seq_len: 16, batch_size: 4}",                                  // 5
            "  tasks: [{kind: comparison}]",                                            // 6
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 64, heads: 2}",         // 7
            "train: {steps: 10}",                                                       // 8
            "analysis: {advise: {}}",                                                   // 9
            "sweep:",                                                                   // 10
            "  analysis.advise.target_accuracy: [0.5, 0.8]");                           // 11

        var error = Assert.Single(Errors(olmo));

        Assert.Equal(("sweep", 11, 3), (error.Path, error.Line, error.Column));
        Assert.Contains("'analysis.advise.target_accuracy' is read by the sweep's analysis, once over all its runs, not by a run", error.Message);
        Assert.Single(Load(olmo.Replace("sweep:\n  analysis.advise.target_accuracy: [0.5, 0.8]\n", "")).Runs);
    }

    [Fact]
    public void Sweep_keys_must_be_scalar_fields()
    {
        var errors = Errors(Yaml("name: a", "sweep:", "  analysis: [x]", "  sweep.seed: [1]"));

        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("only scalar fields can be swept", e.Message));
        Assert.Equal(new[] { 3, 4 }, errors.Select(e => e.Line));
    }

    /// <summary>The list of fields a sweep may vary names those its runs read: a synthetic file's was every scalar of every
    /// experiment (about a hundred), most of which the same validation then refuses (data.*, olmo.*, probes.*, analysis.*).</summary>
    [Fact]
    public void The_sweepable_fields_an_error_lists_are_those_the_experiment_reads()
    {
        var message = Assert.Single(Errors(Yaml("name: a", "sweep:", "  synthetic: [1]"))).Message;

        var listed = message[(message.IndexOf("only scalar fields can be swept: ", StringComparison.Ordinal) + 33)..].Split(", ");
        Assert.Contains("synthetic.width", listed);
        Assert.Contains("train.steps", listed);
        Assert.Contains("seed", listed);
        Assert.DoesNotContain(listed, p => p.StartsWith("data.") || p.StartsWith("olmo.") || p.StartsWith("probes.") || p.StartsWith("analysis.")
            || p is "name" or "description" or "experiment");
    }

    [Fact]
    public void Sweep_errors_and_document_errors_are_reported_together()
    {
        var errors = Errors(Yaml("name: a", "device: gpu", "sweep: {bogus: [1]}"));

        Assert.Equal(new[] { "device", "sweep" }, errors.Select(e => e.Path));
    }
}
