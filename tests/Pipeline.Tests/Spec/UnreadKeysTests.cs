using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>A key the pipeline's experiment does not read is an error at the line that wrote it, not a
/// silent no-op: an OLMo sweep over synthetic.width used to train identical runs under two names.</summary>
public class UnreadKeysTests
{
    static readonly string Olmo = Yaml(
        "name: o",                                                                  // 1
        "experiment: olmo",                                                         // 2
        "data:",                                                                    // 3
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",                  // 4
        "  packing: {seq_len: 16, batch_size: 4}",                                  // 5
        "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 32, heads: 2}",         // 6
        "train: {steps: 10, batch_size: 64}",                                       // 7
        "sweep:",                                                                   // 8
        "  synthetic.width: [4, 8]");                                               // 9

    [Fact]
    public void An_olmo_pipeline_names_each_synthetic_or_synthetic_only_key_where_it_was_written()
    {
        var errors = Errors(Olmo);
        Assert.Equal(["train.batch_size", "sweep"], errors.Select(e => e.Path));
        Assert.Equal([(7, 32), (9, 3)], errors.Select(e => (e.Line, e.Column)));
        Assert.Contains("data.packing.batch_size", errors[0].Message);
        Assert.Contains("its runs would differ only in their ids", errors[1].Message);
        Assert.All(errors, e => Assert.Contains("experiment: olmo does not read", e.Message));
        // Swept at its default value, an unread key would still make runs that differ only in their ids.
        Assert.Contains("does not read 'train.init_scale'", Assert.Single(Errors(Olmo.Replace(", batch_size: 64", "")
            .Replace("  synthetic.width: [4, 8]", "  train.init_scale: [0.1]"))).Message);
    }

    [Fact]
    public void The_same_pipeline_without_them_loads_and_a_set_of_one_is_named_as_the_set()
    {
        var clean = Olmo.Replace(", batch_size: 64", "").Replace("sweep:\n  synthetic.width: [4, 8]\n", "");
        Assert.Single(Load(clean).Runs);
        var error = Assert.Single(Errors(clean, null, "synthetic.rare.gap=10"));
        Assert.Equal("synthetic.rare.gap", error.Path);
        Assert.Contains("--set synthetic.rare.gap=10", error.ToString());
    }

    [Fact]
    public void A_synthetic_pipeline_refuses_olmo_and_data_sections_and_a_data_run_refuses_training_keys()
    {
        var synthetic = Errors(Yaml("name: s", "olmo: {hidden: 4}", "data: {packing: {seq_len: 8}}"));
        Assert.Equal(["olmo", "data"], synthetic.Where(e => e.Message.Contains("does not read")).Select(e => e.Path));
        var data = Errors(Yaml("name: d", "experiment: data", "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]",
            "train: {steps: 5, lr: 0.1}"));
        var lr = Assert.Single(data);
        Assert.Equal(("train.lr", 5), (lr.Path, lr.Line));
        Assert.Contains("train.steps only", lr.Message);
    }

    [Theory]
    // Before: each also drew its range error first ('train.optimizer: unknown optimizer 'sgd'; allowed: adam'), a fix
    // the next run refuses too, since the experiment reads no value there.
    [InlineData("train.optimizer=sgd", "train.optimizer")]
    [InlineData("train.batch_size=0", "train.batch_size")]
    [InlineData("train.init_scale=-1", "train.init_scale")]
    [InlineData("synthetic.width=-1", "synthetic.width")]
    public void A_bad_value_at_a_key_the_experiment_does_not_read_is_refused_only_for_being_there(string set, string path)
    {
        var clean = Olmo.Replace(", batch_size: 64", "").Replace("sweep:\n  synthetic.width: [4, 8]\n", "");
        var error = Assert.Single(Errors(clean, null, set));
        Assert.Equal(path, error.Path);
        Assert.Contains($"experiment: olmo does not read '{path}'", error.Message);
        // A key the experiment reads keeps its range rule.
        Assert.Contains("must be a finite number > 0", Assert.Single(Errors(clean, null, "train.lr=-1")).Message);
    }

    [Fact]
    public void An_olmo_or_data_section_in_a_synthetic_file_is_refused_even_at_its_defaults_saying_to_write_experiment_olmo()
    {
        // The README promised a key at its default passes; `olmo: {preset: 4M}` was refused with "remove it", and `olmo: {}`
        // passed silently: such a file most often lacks `experiment: olmo` (the default experiment is synthetic).
        foreach (var section in new[] { "olmo: {preset: 4M}", "olmo: {}", "olmo:", "olmo: {preset: 20M, hidden: 0}" })
        {
            var error = Assert.Single(Errors(Yaml("name: s", section)));
            Assert.Equal(("olmo", 2), (error.Path, error.Line));
            Assert.Equal("experiment: synthetic (the default: the file writes no experiment key) does not read 'olmo' (the model is "
                + "synthetic.*), not even at its defaults: write experiment: olmo (OLMo training), or remove the section", error.Message);
        }
        var data = Assert.Single(Errors(Yaml("name: s", "experiment: synthetic", "data: {packing: {seq_len: 2048}}")));
        Assert.Equal(("data", 3), (data.Path, data.Line));
        Assert.StartsWith("experiment: synthetic does not read 'data'", data.Message);
        Assert.EndsWith("write experiment: olmo (OLMo training) or experiment: data (the data stage alone), or remove the section", data.Message);
        // A data run has no model: its olmo section is refused the same way; a --set that clears the section is no section.
        Assert.Contains("write experiment: olmo (OLMo training), or remove the section", Assert.Single(Errors(Yaml("name: d", "experiment: data",
            "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]", "olmo: {}"))).Message);
        Assert.Null(Load(Yaml("name: s", "olmo: {preset: 4M}"), null, "olmo=").Runs[0].Spec.Olmo);
    }

    [Fact]
    public void A_sweep_inside_an_optional_section_the_file_lacks_is_refused_and_allowed_once_it_is_written()
    {
        // Before: every run silently gained a rare task of the default frequency.
        var without = Yaml("name: s", "synthetic: {tasks: 2, dims_per_task: 2, width: 2}", "sweep:", "  synthetic.rare.gap: [1, 10]");
        var error = Assert.Single(Errors(without));
        Assert.Equal((4, 3), (error.Line, error.Column));
        Assert.Contains("'synthetic.rare', which this pipeline does not have", error.Message);
        var with = without.Replace("width: 2}", "width: 2, rare: {frequency: 0.05}}");
        Assert.Equal([1L, 10L], Load(with).Runs.Select(r => r.Spec.Synthetic.Rare!.Gap));
    }

    [Fact]
    public void A_resolved_file_written_with_every_default_still_loads()
    {
        // pipeline.yaml of sweeps trained before: an OLMo file with the synthetic section and train keys at their defaults.
        var old = Olmo.Replace(", batch_size: 64", ", batch_size: 256, optimizer: adam, init_scale: 0.1")
            .Replace("sweep:\n  synthetic.width: [4, 8]\n", "synthetic: {tasks: 32, dims_per_task: 16, width: 16}\n");
        Assert.Single(Load(old).Runs);
    }

    [Fact]
    public void A_resume_compares_only_keys_the_experiment_reads()
    {
        // run.yaml of an OLMo run trained before unread keys were left out: the synthetic section and train.batch_size at defaults.
        var now = Load(Olmo.Replace(", batch_size: 64", "").Replace("sweep:\n  synthetic.width: [4, 8]\n", "")).Runs[0].ResolvedYaml;
        Assert.DoesNotContain("synthetic:", now);
        var before = now.Replace("train:\n", "train:\n  batch_size: 256\n  optimizer: adam\n") + "synthetic:\n  tasks: 32\n  width: 16\n";
        Assert.Empty(Retention.Pipeline.SweepContract.ChangedKeys(before, now));
        // A key it reads still counts.
        Assert.Equal(["train.steps: 10 → 11"], Retention.Pipeline.SweepContract.ChangedKeys(before, now.Replace("steps: 10", "steps: 11")));
    }

    [Fact]
    public void A_key_added_since_a_run_was_written_reads_as_its_default_not_as_a_change()
    {
        // run.yaml of a run trained before olmo.reference_tasks and olmo.fused_adamw existed.
        var now = Load(Olmo.Replace(", batch_size: 64", "").Replace("sweep:\n  synthetic.width: [4, 8]\n", "")).Runs[0].ResolvedYaml;
        Assert.Contains("reference_tasks: []", now);
        var before = string.Join('\n', now.Split('\n').Where(l => !l.Contains("reference_tasks") && !l.Contains("fused_adamw")));
        Assert.Empty(Retention.Pipeline.SweepContract.ChangedKeys(before, now));
        Assert.Equal(["olmo.fused_adamw: false → true"],
            Retention.Pipeline.SweepContract.ChangedKeys(before.Replace("olmo:\n", "olmo:\n  fused_adamw: false\n"), now));
    }

    [Fact]
    public void A_file_this_program_stored_in_a_sweep_loads_although_newer_rules_refuse_it()
    {
        // A sweep trained before these rules: an unread key set and a sweep over one. analyze, status, probe and
        // cluster tasks read it as stored; a user's file with the same text is refused.
        Assert.Equal(2, Errors(Olmo).Count);
        var stored = Retention.Spec.SpecLoader.LoadText(Olmo, "pipeline.yaml", checkAnalysis: false, stored: true);
        Assert.Equal(["width-4", "width-8"], stored.Runs.Select(r => r.RunId));
    }

    [Fact]
    public void A_source_key_its_format_never_reads_is_refused_at_the_key_unless_at_its_default()
    {
        // An eos_token_id on a text source changed no separator (the tokenizer's EOS is), and a pre-tokenized source has no
        // document shuffle: both were accepted and silently did nothing.
        string File(string source) => Yaml("name: d", "experiment: data", "data:", $"  sources: [{source}]");
        var text = Errors(File("{paths: ['https://example.org/a.json.gz'], token_dtype: uint32, eos_token_id: 5}"));
        Assert.Equal(["data.sources[0].token_dtype", "data.sources[0].eos_token_id"], text.Select(e => e.Path));
        Assert.All(text, e => Assert.Contains("for format: pretokenized files only", e.Message));
        var tokens = Assert.Single(Errors(File("{paths: ['https://example.org/a.bin'], format: pretokenized, shuffle_buffer: 64}")));
        Assert.Equal(("data.sources[0].shuffle_buffer", 4), (tokens.Path, tokens.Line));
        // At their defaults (stored pipeline.yaml files of earlier versions wrote them out) they load, and the resolved
        // spec leaves them out, while it keeps the keys the format reads.
        var resolvedText = Load(File("{paths: ['https://example.org/a.json.gz'], token_dtype: uint16}")).ResolvedYaml;
        Assert.DoesNotContain("token_dtype", resolvedText);
        Assert.Contains("shuffle_buffer: 1000", resolvedText);
        // A run.yaml written before (token_dtype at its default on a text source) is the same spec to a resume.
        var before = resolvedText.Replace("    shuffle_buffer: 1000\n", "    shuffle_buffer: 1000\n    token_dtype: uint16\n");
        Assert.NotEqual(resolvedText, before);
        Assert.Empty(Retention.Pipeline.SweepContract.ChangedKeys(before, resolvedText));
        var resolvedTokens = Load(File("{paths: ['https://example.org/a.bin'], format: pretokenized, shuffle_buffer: 1000, eos_token_id: 5}")).ResolvedYaml;
        Assert.DoesNotContain("shuffle_buffer", resolvedTokens);
        Assert.Contains("token_dtype: uint16", resolvedTokens);
        Assert.Contains("eos_token_id: 5", resolvedTokens);
        Assert.Equal(resolvedTokens, Retention.Spec.SpecLoader.LoadText(resolvedTokens, "pipeline.yaml", checkAnalysis: false).ResolvedYaml);
    }

    [Fact]
    public void A_synthetic_pipeline_writes_analysis_advise_without_the_settings_for_trained_runs()
    {
        var synthetic = Load(Yaml("name: s", "synthetic: {tasks: 2, dims_per_task: 2, rare: {frequency: 0.05}}",
            "sweep: {synthetic.width: [1, 2]}", "analysis:", "  advise: {}"));
        Assert.Contains("  advise: {}\n", synthetic.ResolvedYaml);
        Assert.DoesNotContain("target_accuracy", synthetic.ResolvedYaml);
        Assert.NotNull(Retention.Spec.SpecLoader.LoadText(synthetic.ResolvedYaml, "pipeline.yaml", checkAnalysis: false).Spec.Analysis.Advise);
    }

    [Fact]
    public void Listed_task_ids_are_refused_where_the_tokens_mode_chooses_its_own()
    {
        var ids = string.Join(", ", Enumerable.Range(10, 101));
        string File(string tokens) => Yaml("name: d", "experiment: data",
            "data:", "  sources: [{paths: ['https://example.org/a.json.gz']}]",
            $"  tasks: [{{kind: comparison, tokens: {tokens}, item_ids: [{ids}], label_ids: [1, 2]}}]");

        var errors = Errors(File("sampled"));
        Assert.Equal(["data.tasks[0].item_ids", "data.tasks[0].label_ids"], errors.Select(e => e.Path));
        Assert.All(errors, e => Assert.StartsWith("is read only with tokens: existing; this task's tokens: sampled", e.Message));
        Assert.Single(Retention.Spec.SpecLoader.LoadText(File("existing"), "p.yaml", checkAnalysis: false).Runs);
        Assert.Single(Retention.Spec.SpecLoader.LoadText(File("append"), "pipeline.yaml", checkAnalysis: false, stored: true).Runs);
    }

    [Theory]
    [InlineData("probes:\n  das:", "das: {}", "probes.das", 9)]
    [InlineData("probes:\n  fourier: ~", "fourier: {}", "probes.fourier", 9)]
    [InlineData("probes: {gradients: null}", "probes: {gradients: {}}", "probes.gradients", 8)]
    public void An_empty_optional_section_is_refused_not_left_out(string written, string meant, string path, int line)
    {
        // Before: validate said ok and --print showed no such probe: the run wrote no probe table, without a word.
        string File(string probes) => Yaml(
            "name: o",                                                                  // 1
            "experiment: olmo",                                                         // 2
            "data:",                                                                    // 3
            "  sources: [{paths: ['https://example.org/a.json.gz']}]",                  // 4
            "  tasks: [{kind: comparison}, {kind: modular_addition}]",                  // 5
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 64, heads: 2}",         // 6
            "train: {steps: 10}",                                                       // 7
            probes);                                                                    // 8, 9

        var error = Assert.Single(Errors(File(written)));

        Assert.Equal((path, line), (error.Path, error.Line));
        var key = path.Split('.')[^1];
        Assert.Equal($"is empty, which leaves it out as if it were not written; write '{key}: {{}}' for its defaults, or remove the line", error.Message);
        var probes = Retention.Spec.SpecLoader.LoadText(File(written.Contains('\n') ? $"probes:\n  {meant}" : meant), "p.yaml", checkAnalysis: false, checkResources: false).Spec.Probes!;
        Assert.NotNull(key switch { "das" => (object?)probes.Das, "fourier" => probes.Fourier, _ => probes.Gradients });
        // An empty --set value clears a key on purpose: the probe is then off.
        var cleared = Retention.Spec.SpecLoader.LoadText(File("probes: {das: {}}"), "p.yaml", sets: ["probes.das="], checkAnalysis: false, checkResources: false);
        Assert.Null(cleared.Spec.Probes!.Das);
    }
    /// <summary>A set into a probe of a pipeline without probes adds both `probes` and the probe: the note names the probe it
    /// turns on (it named only 'probes', whose own defaults run nothing).</summary>
    [Fact]
    public void A_set_into_a_probe_of_a_pipeline_without_probes_names_the_probe_it_adds()
    {
        var olmo = Yaml(
            "name: o",
            "experiment: olmo",
            "data:",
            "  sources: [{paths: ['https://example.org/a.json.gz']}]",
            "  packing: {seq_len: 16, batch_size: 4}",
            "  tasks: [{kind: comparison}]",
            "olmo: {preset: 4M, layers: 1, hidden: 16, mlp_dim: 64, heads: 2}",
            "train: {steps: 10}");

        var note = Assert.Single(Load(olmo, null, "probes.gradients.instances=8").SetNotes);

        Assert.StartsWith("--set probes.gradients.instances=8 adds 'probes.gradients', which the pipeline does not have", note);
        Assert.Contains("--set 'probes.gradients={...}' writes it whole", note);
    }
}
