using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README "Packing": data.packing.held_out_every above 0 with validation_rows: 0 still keeps one document in n out of
/// training, and nothing uses them. `validate` says so in a warning naming both keys (exit code unchanged), placed as errors
/// are: at validation_rows: 0 (file:line:column, or the --set that gave it), with held_out_every's line where it is written;
/// `run`, a `run --resume` and `submit` say the same. The stream itself is left as it is (existing runs' data and resume
/// cursors follow it).</summary>
public sealed class DiscardedHeldOutValidateTests() : InTempFolder("discarded-held-out-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Warnings(string err) => [.. err.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("warning:", StringComparison.Ordinal))];

    void Write(string experiment, string packing, string sweep = "")
    {
        TinyCorpus.WriteShard(dir);
        var olmo = experiment == "olmo" ? "olmo: {preset: 4M, layers: 1, hidden: 32, mlp_dim: 64, heads: 4}\n" : "";
        File.WriteAllText(Path.Combine(dir, "p.yaml"), $"name: p\nexperiment: {experiment}\ndevice: cpu\n" +
            $"data: {{sources: [{{paths: [shards/*.jsonl]}}], tokenizer: {TinyCorpus.ByteTokenizerYaml()}, packing: {{seq_len: 16, batch_size: 2{packing}}}}}\n" +
            olmo + "train: {steps: 4}\n" + sweep);
    }

    (int Exit, string Out, string Err) Validate(string experiment, string packing, string sweep = "", params string[] more)
    {
        Write(experiment, packing, sweep);
        return CliProcess.Run(dir, Limit, ["validate", "p.yaml", .. more]);
    }

    /// <summary>"p.yaml:LINE:COLUMN" of the first <paramref name="written"/> in p.yaml, at the value that ends it, counted here
    /// from the file's text.</summary>
    string At(string written, string value = "0")
    {
        var lines = File.ReadAllLines(Path.Combine(dir, "p.yaml"));
        int line = Array.FindIndex(lines, l => l.Contains(written, StringComparison.Ordinal));
        return $"p.yaml:{line + 1}:{lines[line].IndexOf(written, StringComparison.Ordinal) + written.Length - value.Length + 1}";
    }

    /// <summary>The 1-based line of the first <paramref name="written"/> in p.yaml.</summary>
    int LineOf(string written) => Array.FindIndex(File.ReadAllLines(Path.Combine(dir, "p.yaml")), l => l.Contains(written, StringComparison.Ordinal)) + 1;

    const string Tail = " with data.packing.validation_rows: 0: " + Why;
    const string Rows0 = "validation_rows: 0";
    const string Why = "one document in held_out_every is still kept out of training, and with no " +
        "validation rows nothing uses it, so those documents are read and discarded; set held_out_every: 0 to train on every document, " +
        "or validation_rows above 0 for a validation loss on them (runs already trained so finish as they started: a --resume refuses a changed spec)";

    // @: where validation_rows: 0 is written (p.yaml:4:COLUMN); held_out_every's line where it is written (4).
    [Theory]
    [InlineData("olmo", ", held_out_every: 5, validation_rows: 0", "warning: @: data.packing.held_out_every = 5 (line 4)" + Tail)]
    [InlineData("data", ", held_out_every: 5, validation_rows: 0", "warning: @: data.packing.held_out_every = 5 (line 4)" + Tail)]
    // Only validation_rows written: the default held_out_every is what holds the documents out, and has no line.
    [InlineData("olmo", ", validation_rows: 0", "warning: @: data.packing.held_out_every = 1,000 (the default)" + Tail)]
    [InlineData("olmo", ", held_out_every: 0, validation_rows: 0", null)]   // nothing held out
    [InlineData("olmo", ", held_out_every: 5, validation_rows: 4", null)]   // held out for the validation loss
    [InlineData("olmo", "", null)]
    public void Validate_warns_when_held_out_documents_feed_no_validation_rows(string experiment, string packing, string? expected)
    {
        var (exit, output, err) = Validate(experiment, packing);
        Assert.True(exit == 0, output + err);
        Assert.Contains("p.yaml: ok, 1 run", output);
        Assert.DoesNotContain("warning", output);   // on stderr, with validate's other warnings
        Assert.Equal(4, LineOf("packing:"));
        Assert.Equal(expected is null ? [] : [expected.Replace("@", At(Rows0))], Warnings(err));
    }

    [Fact]
    public void A_sweep_of_validation_rows_names_the_runs_that_discard_them()
    {
        var (exit, output, err) = Validate("olmo", ", held_out_every: 5", "sweep: {data.packing.validation_rows: [0, 4]}\n");
        Assert.True(exit == 0, output + err);
        // Placed at the 0 in the sweep's list (line 7), as an error in that value is.
        Assert.Equal(7, LineOf("sweep:"));
        Assert.Equal([$"warning: {At("validation_rows: [0")}: data.packing.held_out_every = 5 (line 4) with data.packing.validation_rows: 0 " +
            "(runs validation_rows-0: 1 of 2): " + Why], Warnings(err));
    }

    [Fact]
    public void A_validation_rows_given_by_set_is_placed_at_the_set_and_a_profiles_at_its_line()
    {
        var (exit, output, err) = Validate("olmo", ", held_out_every: 5", "", "--set", "data.packing.validation_rows=0");
        Assert.True(exit == 0, output + err);
        // As an error in a --set's value is said ("error: --set KEY=VALUE: ..."): it has no line; held_out_every's is the file's.
        Assert.Equal(["warning: --set data.packing.validation_rows=0: data.packing.held_out_every = 5 (p.yaml line 4)" + Tail], Warnings(err));

        // Both from --set: no line at all.
        (exit, output, err) = Validate("olmo", "", "", "--set", "data.packing.validation_rows=0", "--set", "data.packing.held_out_every=7");
        Assert.True(exit == 0, output + err);
        Assert.Equal(["warning: --set data.packing.validation_rows=0: data.packing.held_out_every = 7 (--set data.packing.held_out_every=7)" + Tail],
            Warnings(err));

        // A profile's validation_rows: 0 is the file's, at the profile's line (9 here).
        (exit, output, err) = Validate("olmo", ", held_out_every: 5", "profiles:\n  small:\n    data: {packing: {validation_rows: 0}}\n",
            "--profile", "small");
        Assert.True(exit == 0, output + err);
        Assert.Equal(9, LineOf("packing: {validation_rows: 0}"));
        Assert.Equal([$"warning: {At("packing: {validation_rows: 0")}: data.packing.held_out_every = 5 (line 4)" + Tail], Warnings(err));
    }

    /// <summary>`run` (and its --resume, which repeats it: the file still discards them) and `submit` place it as `validate` does.</summary>
    [Fact]
    public void Run_its_resume_and_submit_place_the_warning_as_validate_does()
    {
        Write("data", ", held_out_every: 5, validation_rows: 0");
        string expected = $"warning: {At(Rows0)}: data.packing.held_out_every = 5 (line 4)" + Tail;
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        Assert.Equal([expected], Warnings(run.Err));
        var resume = CliProcess.Run(dir, Limit, "run", "p.yaml", "--resume");
        Assert.True(resume.Exit == 0, resume.Out + resume.Err);
        Assert.Equal([expected], Warnings(resume.Err));

        var slurm = Retention.Tests.Cluster.FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", "exit 1"), ("squeue", "exit 0"));
        var submit = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = slurm }, "submit", "p.yaml", "--slurm", "--dry-run",
            "--artifacts", "elsewhere");
        Assert.True(submit.Exit == 0, submit.Out + submit.Err);
        Assert.Contains(expected, Warnings(submit.Err));
    }
}
