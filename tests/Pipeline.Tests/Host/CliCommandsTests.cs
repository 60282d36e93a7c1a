using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README promises of the smaller commands, through the CLI: `validate --print` prints only YAML, which loads
/// again, `submit --dry-run` writes and submits nothing, `query`/`analyze` name a missing directory (exit 2),
/// and `--device cuda` without CUDA fails naming CUDA instead of training on the CPU.</summary>
public sealed class CliCommandsTests() : InTempFolder("cli-commands-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    static readonly string[] RunIds = ["lr-0.003", "lr-0.001"];

    void WritePipeline() => File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
        "name: syn", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
        "train: {steps: 200, batch_size: 8, log_every: 100}",
        "sweep: {train.lr: [0.003, 0.001]}",
        "analysis: {tables: [{name: final, sql: 'SELECT run, max(step) AS steps FROM metrics GROUP BY run'}]}") + "\n");

    [Fact]
    public void Validate_print_writes_only_the_yaml_to_stdout_and_the_saved_file_validates_to_the_same_runs()
    {
        WritePipeline();
        File.AppendAllText(Path.Combine(dir, "syn.yaml"), "profiles: {cpu: {train: {batch_size: 4}}}\n");
        var first = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu", "--print", "--set", "train.steps=123");
        Assert.True(first.Exit == 0, first.Err);
        // stdout is the YAML alone, as `--print > resolved.yaml` saves it; the summary is on stderr.
        Assert.DoesNotContain("ok, 2 runs", first.Out);
        Assert.StartsWith("name: syn\n", first.Out);
        Assert.Contains("syn.yaml: ok, 2 runs with profile cpu", first.Err);
        File.WriteAllText(Path.Combine(dir, "resolved.yaml"), first.Out);

        var again = CliProcess.Run(dir, Limit, "validate", "resolved.yaml");
        Assert.True(again.Exit == 0, again.Err + "\n" + first.Out);
        Assert.Contains("resolved.yaml: ok, 2 runs", again.Out);
        foreach (var run in RunIds)
            Assert.Contains($"  {run}: width 2, lr {run[3..]}, seed 0, 123 steps on cpu", again.Out);   // the --set is in the printed YAML
        // The same runs, listed the same way, and the profile's value is in the file.
        static string[] Runs(string listing) => [.. listing.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal))];
        Assert.Equal(Runs(first.Err), Runs(again.Out));
        Assert.Contains("batch_size: 4", first.Out);
    }

    [Fact]
    public void Validate_says_a_one_step_run_in_the_singular()
    {
        WritePipeline();
        var one = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--set", "train.steps=1");
        Assert.True(one.Exit == 0, one.Err);
        foreach (var run in RunIds)
            Assert.Contains($"  {run}: width 2, lr {run[3..]}, seed 0, 1 step on cpu", one.Out);   // "1 steps on cpu" read as a slip
        Assert.DoesNotContain("1 steps", one.Out);
    }

    /// <summary>validate lists each run with the value of every key the sweep varies, as written: the lines said only width and
    /// seed, so a sweep of train.lr or synthetic.rare.gap read as a grid of widths and seeds.</summary>
    [Fact]
    public void Validate_lists_every_swept_keys_value_per_run()
    {
        File.WriteAllText(Path.Combine(dir, "grid.yaml"), string.Join('\n',
            "name: grid", "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",
            "train: {steps: 200, batch_size: 8, log_every: 100}",
            "sweep: {synthetic.width: [2, 4], seed: [0, 1], train.lr: [3e-3, 0.001]}") + "\n");
        var grid = CliProcess.Run(dir, Limit, "validate", "grid.yaml");
        Assert.True(grid.Exit == 0, grid.Err);
        string[] expected = [.. from width in new[] { 2, 4 } from seed in new[] { 0, 1 } from lr in new[] { "3e-3", "0.001" }
            select $"  width-{width}_seed-{seed}_lr-{lr}: width {width}, lr {lr}, seed {seed}, 200 steps on cpu"];
        Assert.Equal(expected, grid.Out.Split('\n').Where(l => l.StartsWith("  ", StringComparison.Ordinal)));
        // A shipped sweep of width and the rare task's gap.
        var shipped = CliProcess.Run(dir, Limit, "validate", RepoFiles.Pipeline("synthetic-retention.yaml"), "--profile", "cpu");
        Assert.True(shipped.Exit == 0, shipped.Err);
        Assert.Contains("  width-24_gap-50: width 24, gap 50, seed 0, 6000 steps on cpu\n", shipped.Out);
        Assert.Contains("  width-64_gap-500: width 64, gap 500, seed 0, 6000 steps on cpu\n", shipped.Out);
    }

    [Fact]
    public void Submit_dry_run_prints_the_tasks_and_both_scripts_and_writes_or_submits_nothing()
    {
        WritePipeline();
        var called = Path.Combine(dir, "sbatch-called");
        var path = Cluster.FakeSlurm.Path(Path.Combine(dir, "fake-bin"), ("sbatch", $"touch '{called}'\necho 42"), ("squeue", "exit 0"));
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, err) = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["PATH"] = path },
            "submit", "syn.yaml", "--slurm", "--dry-run", "--time", "4:00:00", "--analysis-time", "20");
        Assert.True(exit == 0, err);
        Assert.False(File.Exists(called), "sbatch was called");
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order());   // nothing written
        // Two runs that differ in lr train in two tasks: an array of tasks 0 and 1, each run named, then the analysis script.
        Assert.All(RunIds, run => Assert.Contains(run, output));
        Assert.Contains("#SBATCH --array=0-1", output);
        Assert.Equal(2, output.Split('\n').Count(l => l == "#!/bin/bash"));
        Assert.Contains(" analyze ", output);
        // Each script its own limit: the array's per attempt, the analysis's from --analysis-time.
        var scripts = output.Split("#!/bin/bash");
        Assert.Contains("#SBATCH --time=4:00:00\n", scripts[1]);
        Assert.Contains("#SBATCH --time=20\n", scripts[2]);
        Assert.DoesNotContain("--time=4:00:00", scripts[2]);
    }

    [Theory]
    [InlineData("query", "SELECT 1")]
    [InlineData("analyze")]
    public void Query_and_analyze_on_a_missing_directory_exit_2_naming_it(string command, params string[] rest)
    {
        var missing = Path.Combine("nowhere", "syn");
        var (exit, _, err) = CliProcess.Run(dir, Limit, [command, missing, .. rest]);
        Assert.Equal(2, exit);
        Assert.Contains(missing, err);
        Assert.Contains("does not exist", err);
        Assert.False(Directory.Exists(Path.Combine(dir, "nowhere")));
    }

    [Fact]
    public void Run_with_device_cuda_where_cuda_is_unavailable_fails_naming_cuda_and_trains_nothing()
    {
        WritePipeline();
        // CUDA_VISIBLE_DEVICES="" hides any GPU, so this holds on a GPU machine too.
        var (exit, output, err) = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["CUDA_VISIBLE_DEVICES"] = "" },
            "run", "syn.yaml", "--device", "cuda");
        Assert.Equal(2, exit);   // the input asks for what this machine lacks; nothing ran
        Assert.Contains("CUDA is not available", err);
        Assert.DoesNotContain("   at ", err);   // a message, not a stack trace
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts", "syn", "runs")), output + err);
        Assert.Empty(Directory.GetFiles(dir, "*.arrow*", SearchOption.AllDirectories));

        // validate checks the file, not this machine's devices (README's exit codes say so).
        var validated = CliProcess.Run(dir, Limit, new Dictionary<string, string?> { ["CUDA_VISIBLE_DEVICES"] = "" },
            "validate", "syn.yaml", "--device", "cuda");
        Assert.True(validated.Exit == 0, validated.Out + validated.Err);
        Assert.Contains("on cuda", validated.Out);
    }

    /// <summary>validate names the file's profiles after its summary: the README's pipelines list names only cpu and gpu,
    /// and a file's others (olmo-frequency-phase.yaml's cpu-capacity, gpu-bytes) were found only by reading it.</summary>
    [Fact]
    public void Validate_names_the_files_profiles_with_or_without_one_selected()
    {
        WritePipeline();
        File.AppendAllText(Path.Combine(dir, "syn.yaml"), "profiles: {cpu: {train: {batch_size: 4}}, cpu-wide: {}, gpu: {device: cuda}}\n");
        var plain = CliProcess.Run(dir, Limit, "validate", "syn.yaml");
        Assert.True(plain.Exit == 0, plain.Err);
        Assert.StartsWith("syn.yaml: ok, 2 runs without a profile (the file's profiles: cpu, cpu-wide, gpu; --profile NAME selects one)\n", plain.Out);
        var cpu = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu-wide");
        Assert.True(cpu.Exit == 0, cpu.Err);
        Assert.StartsWith("syn.yaml: ok, 2 runs with profile cpu-wide (the file's profiles: cpu, cpu-wide, gpu)\n", cpu.Out);
        // A shipped pipeline, from another folder.
        var shipped = CliProcess.Run(dir, Limit, "validate", RepoFiles.Pipeline("synthetic-retention.yaml"), "--profile", "cpu");
        Assert.True(shipped.Exit == 0, shipped.Err);
        Assert.Contains("synthetic-retention.yaml: ok, 8 runs with profile cpu (the file's profiles: cpu, gpu)\n", shipped.Out);
        // A file without profiles (a sweep's stored pipeline.yaml holds its profile applied) says nothing of them.
        var resolved = CliProcess.Run(dir, Limit, "validate", "syn.yaml", "--profile", "cpu", "--print");
        File.WriteAllText(Path.Combine(dir, "resolved.yaml"), resolved.Out);
        var again = CliProcess.Run(dir, Limit, "validate", "resolved.yaml");
        Assert.True(again.Exit == 0, again.Err);
        Assert.StartsWith("resolved.yaml: ok, 2 runs\n", again.Out);
    }

    /// <summary>A file read without --profile whose own settings fail (the shipped OLMo files' read Dolma) names its profiles after
    /// the errors: `validate pipelines/olmo-task-vs-lm.yaml` said only to download Dolma's URL list, not that --profile cpu exists.</summary>
    [Fact]
    public void A_file_failing_without_a_profile_names_its_profiles_after_the_errors()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\ntrain: {steps: 0}\nprofiles: {cpu: {train: {steps: 5}}, gpu: {device: cuda}}\n");
        var plain = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        Assert.Equal(2, plain.Exit);
        var lines = plain.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("error: p.yaml:2:", lines[0]);
        Assert.Equal("note: p.yaml was read without a profile; it defines cpu, gpu (--profile NAME selects one)", lines[^1]);
        var run = CliProcess.Run(dir, Limit, "run", "p.yaml");
        Assert.Equal(2, run.Exit);
        Assert.EndsWith("note: p.yaml was read without a profile; it defines cpu, gpu (--profile NAME selects one)\n", run.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
        // A profile selected, or a file without profiles: nothing to add.
        Assert.DoesNotContain("note:", CliProcess.Run(dir, Limit, "validate", "p.yaml", "--profile", "gpu", "--set", "train.steps=0").Err);
        File.WriteAllText(Path.Combine(dir, "q.yaml"), "name: q\ntrain: {steps: 0}\n");
        Assert.DoesNotContain("note:", CliProcess.Run(dir, Limit, "validate", "q.yaml").Err);
    }

    /// <summary>`validate <(...)`, `run <(...)`: a file that reads once. The note was found by reading the file again, which
    /// found the pipe empty, so the old source said the errors and no note; it is now found in the text the load read.</summary>
    [Fact]
    public void A_pipeline_from_a_pipe_failing_without_a_profile_names_its_profiles_from_the_one_read()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\ntrain: {steps: 0}\nprofiles: {cpu: {train: {steps: 5}}, gpu: {device: cuda}}\n");
        foreach (var command in new[] { "validate", "run" })
        {
            using var p = CliProcess.StartProgram(dir, null, "bash", "-c", $"{CliProcess.CommandLine} {command} <(cat p.yaml)");
            var (exit, output, err) = p.WaitForExit(Limit);
            Assert.True(exit == 2, command + ": " + output + err);
            Assert.Matches(@"^error: /dev/fd/\d+:2:", err);
            Assert.Matches(@"\nnote: /dev/fd/\d+ was read without a profile; it defines cpu, gpu \(--profile NAME selects one\)\n$", err);
        }
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }

    /// <summary>`submit` said a file's errors without the note `run` and `validate` add after them, so a user submitting an
    /// OLMo file without --profile was not told its profiles; the old source printed the error alone.</summary>
    [Fact]
    public void Submit_failing_without_a_profile_names_the_files_profiles_as_run_does()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\ntrain: {steps: 0}\nprofiles: {cpu: {train: {steps: 5}}, gpu: {device: cuda}}\n");
        var named = CliProcess.Run(dir, Limit, "submit", "p.yaml", "--slurm", "--dry-run");
        Assert.True(named.Exit == 2, named.Out + named.Err);
        Assert.StartsWith("error: p.yaml:2:", named.Err);
        Assert.EndsWith("\nnote: p.yaml was read without a profile; it defines cpu, gpu (--profile NAME selects one)\n", named.Err);
        // From a pipe too: the note is found in the one text the load read.
        using var p = CliProcess.StartProgram(dir, null, "bash", "-c", $"{CliProcess.CommandLine} submit <(cat p.yaml) --slurm --dry-run");
        var (exit, output, err) = p.WaitForExit(Limit);
        Assert.True(exit == 2, output + err);
        Assert.Matches(@"\nnote: /dev/fd/\d+ was read without a profile; it defines cpu, gpu \(--profile NAME selects one\)\n$", err);
        // With a profile, whose settings fail, no note: the profile was chosen.
        var chosen = CliProcess.Run(dir, Limit, "submit", "p.yaml", "--slurm", "--dry-run", "--profile", "gpu");
        Assert.DoesNotContain("note: p.yaml was read without a profile", chosen.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }

    [Fact]
    public void A_set_into_a_section_the_pipeline_lacks_says_it_adds_it_with_its_defaults()
    {
        // synthetic-capacity.yaml has no rare task: setting its gap adds one (a section present is on), which a user who
        // thought the pipeline had one would not see in `ok, 8 runs`.
        var capacity = RepoFiles.Pipeline("synthetic-capacity.yaml");
        var added = CliProcess.Run(dir, Limit, "validate", capacity, "--profile", "cpu", "--set", "synthetic.rare.gap=5");
        Assert.True(added.Exit == 0, added.Err);
        Assert.Contains("note: --set synthetic.rare.gap=5 adds 'synthetic.rare', which the pipeline does not have, with its defaults " +
                        "for the keys not set (a section present is on; --set 'synthetic.rare={...}' writes it whole)", added.Err);
        // Written whole, or into a section the file has: nothing to say.
        Assert.DoesNotContain("note:", CliProcess.Run(dir, Limit, "validate", capacity, "--profile", "cpu", "--set", "synthetic.rare={gap: 5}").Err);
        Assert.DoesNotContain("note:", CliProcess.Run(dir, Limit, "validate", capacity, "--profile", "cpu", "--set", "train.steps=100").Err);
    }
}
