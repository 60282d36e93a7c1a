using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Tests.Host;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise SWEEP...` through the CLI on sweeps written as the OLMo runs write them: the same runs are
/// never counted twice, one seed gives no interval anywhere, and --frequency takes what a pipeline file takes.</summary>
public sealed class AdviseSweepsCliTests() : InTempFolder("advise-cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    /// <summary>Final test accuracy by (parameters, frequency), one value per seed 0, 1, ...</summary>
    static readonly Dictionary<(long, double), double[]> Accuracy = new()
    {
        [(120_000, 3e-4)] = [0.51, 0.55], [(120_000, 1e-3)] = [0.85, 0.57], [(120_000, 3e-3)] = [0.91, 0.89],
        [(600_000, 3e-4)] = [0.73, 0.55], [(600_000, 1e-3)] = [0.90, 0.93], [(600_000, 3e-3)] = [0.98, 0.96],
    };

    /// <summary>A sweep folder with one run per size, frequency and given seed (seed s has accuracy[s % 2]).</summary>
    async Task<string> Sweep(string name, params int[] seeds) => await Sweep(name, lr: null, seeds);

    /// <summary>The same, each run with a run.yaml training at <paramref name="lr"/> where one is given.</summary>
    async Task<string> Sweep(string name, double? lr, params int[] seeds)
    {
        var sweep = Path.Combine(dir, name);
        foreach (var ((parameters, frequency), accuracies) in Accuracy)
            foreach (var seed in seeds)
            {
                var run = Path.Combine(sweep, "runs", $"p{parameters}_f{frequency}_s{seed}");
                await Run(run, parameters, frequency, seed, accuracies[seed % 2]);
                if (lr is { } l)
                    File.WriteAllText(Path.Combine(run, "run.yaml"), $"name: {name}\nexperiment: olmo\nseed: {seed}\ntrain: {{steps: 100, lr: {l}}}\n");
            }
        return sweep;
    }

    static async Task Run(string run, long parameters, double frequency, int seed, double accuracy)
    {
        var task = $"cmp_{frequency}";
        await ArrowFiles.WriteTableAsync(Path.Combine(run, "model.arrow"), OlmoRunGraph.ModelTable,
            [new ModelRow("4M", parameters, 8, 16, 512, 4, 300, 64, 16, 100, "fp32", "cpu", seed, 0.003)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(run, "tasks.arrow"), OlmoRunGraph.TasksTable, [new TaskRow(task, "comparison", frequency, 1, 10000, 101, 5000, 0, "append")]);
        await ArrowFiles.WriteTableAsync(Path.Combine(run, "task_metrics.arrow"), OlmoRunGraph.TaskTable,
            [new TaskMetricRow(100, task, "test", 0.5, accuracy, accuracy)]);
    }

    (int Exit, string Out, string Err) Advise(params string[] args) => CliProcess.Run(dir, Limit, ["advise", .. args]);

    List<IReadOnlyList<object?>> Rows(string folder, string sql)
    {
        using var catalog = ArtifactCatalog.Open(Path.Combine(dir, folder));
        return [.. SqlRunner.Query(catalog.Connection, sql).Rows];
    }

    [Fact]
    public async Task The_same_sweep_twice_or_a_copy_of_its_runs_is_refused_and_different_seeds_add_up()
    {
        var a = await Sweep("a", 0, 1);
        // The same directory, as given and spelled otherwise: its runs would count twice.
        foreach (var again in new[] { a, Path.Combine(dir, "a", "runs", "..") + Path.DirectorySeparatorChar })
        {
            var twice = Advise(a, again, "--output", "twice");
            Assert.True(twice.Exit == 2, twice.Out + twice.Err);
            Assert.Contains("given twice", twice.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "twice")));
        }

        // A copy of the seed-0 runs in another folder: refused, naming both runs.
        var copy = Path.Combine(dir, "copy");
        foreach (var run in Directory.GetDirectories(Path.Combine(a, "runs"), "*_s0"))
        {
            var to = Directory.CreateDirectory(Path.Combine(copy, "runs", Path.GetFileName(run))).FullName;
            foreach (var f in Directory.GetFiles(run)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
        var copied = Advise(a, copy, "--output", "copied");
        Assert.True(copied.Exit == 2, copied.Out + copied.Err);
        Assert.Contains("likely a copy", copied.Err);
        Assert.Matches(@"runs '[^']*[/\\]a[/\\][^']*_s0' and '[^']*[/\\]copy[/\\][^']*_s0'", copied.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "copied")));

        // Other seeds of the same sizes and frequencies are other runs: four seeds in all.
        var more = await Sweep("more", 2, 3);
        var both = Advise(a, more, "--output", "both");
        Assert.True(both.Exit == 0, both.Out + both.Err);
        Assert.Equal([4, 4], Rows("both", "SELECT seeds FROM advice_boundaries ORDER BY parameters").Select(r => Convert.ToInt32(r[0])));
    }

    [Fact]
    public async Task Sweeps_trained_at_another_lr_are_pooled_with_a_warning_naming_it()
    {
        var a = await Sweep("a", 0.003, 0, 1);
        var same = await Sweep("same", 0.003, 2, 3);
        var quiet = Advise(a, same, "--output", "quiet");
        Assert.True(quiet.Exit == 0, quiet.Out + quiet.Err);
        Assert.DoesNotContain("warning", quiet.Err);

        var slower = await Sweep("slower", 0.001, 2, 3);
        var pooled = Advise(a, slower, "--output", "pooled");
        Assert.True(pooled.Exit == 0, pooled.Out + pooled.Err);
        var warning = Assert.Single(pooled.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("warning: the advice pools runs whose specs differ in train.lr as seeds of one setting", warning);
        Assert.Contains("(train.lr: 0.003 → 0.001), 24 pairs in all", warning);   // 6 pools, each: seeds 0 and 1 of a against seeds 2 and 3
        Assert.Equal([4, 4], Rows("pooled", "SELECT seeds FROM advice_boundaries ORDER BY parameters").Select(r => Convert.ToInt32(r[0])));

        // The same seeds at another lr are not copies of a's runs (their specs say so): pooled with the warning, not refused.
        var relearned = await Sweep("relearned", 0.001, 0, 1);
        var sameSeeds = Advise(a, relearned, "--output", "same-seeds");
        Assert.True(sameSeeds.Exit == 0, sameSeeds.Out + sameSeeds.Err);
        Assert.DoesNotContain("likely a copy", sameSeeds.Err);
        Assert.StartsWith("warning: the advice pools runs whose specs differ in train.lr", sameSeeds.Err);
        // Seeds 0 and 1 at two lrs: four runs averaged per frequency, so four in the seeds column (not the two seed numbers).
        Assert.Equal([4, 4], Rows("same-seeds", "SELECT seeds FROM advice_boundaries ORDER BY parameters").Select(r => Convert.ToInt32(r[0])));
        // A copy (its run.yaml too) is still refused.
        var copy = Path.Combine(dir, "copy-with-specs");
        foreach (var run in Directory.GetDirectories(Path.Combine(a, "runs")))
        {
            var to = Directory.CreateDirectory(Path.Combine(copy, "runs", Path.GetFileName(run))).FullName;
            foreach (var f in Directory.GetFiles(run)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)));
        }
        var copied = Advise(a, copy, "--output", "copied");
        Assert.True(copied.Exit == 2, copied.Out + copied.Err);
        Assert.Contains("likely a copy", copied.Err);
    }

    [Fact]
    public async Task With_one_seed_neither_the_boundaries_nor_the_factors_have_an_interval()
    {
        var one = await Sweep("one", 0);
        var advice = Advise(one, "--output", "out");
        Assert.True(advice.Exit == 0, advice.Out + advice.Err);
        // Seed 0: 120K reaches 0.8 from 1e-3 (0.51, 0.85, 0.91), 600K too (0.73, 0.90, 0.98): both boundaries placed.
        var boundaries = Rows("out", "SELECT boundary_frequency, low, high FROM advice_boundaries ORDER BY parameters");
        Assert.All(boundaries, b => Assert.True(b[0] is not null && b[1] is null && b[2] is null));
        var factor = Assert.Single(Rows("out", "SELECT factor, low, high, status FROM advice_factors"));
        Assert.Equal(Convert.ToDouble(boundaries[0][0]) / Convert.ToDouble(boundaries[1][0]), Convert.ToDouble(factor[0]), 1e-12);
        Assert.Null(factor[1]);
        Assert.Null(factor[2]);
        Assert.Equal("one seed: no interval", factor[3]);
    }

    [Fact]
    public async Task The_frequency_option_takes_what_a_pipeline_files_task_frequency_takes()
    {
        var sweep = await Sweep("s", 0, 1);
        var over = Advise(sweep, "--size", "120000", "--frequency", "0.2", "--output", "over");
        Assert.True(over.Exit == 2, over.Out + over.Err);
        Assert.Contains("--frequency must be in (0, 0.125]", over.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "over")));
        var edge = Advise(sweep, "--size", "120000", "--frequency", "0.125", "--output", "edge");
        Assert.True(edge.Exit == 0, edge.Out + edge.Err);
    }

    [Fact]
    public async Task What_advice_from_sweeps_cannot_use_is_refused_not_ignored()
    {
        var sweep = await Sweep("s", 0, 1);
        foreach (var (args, expected) in new (string[], string)[]
        {
            (["--target-accuracy", "nan"], "--target-accuracy takes a finite number, got NaN"),
            (["--target-accuracy", "-Infinity"], "--target-accuracy takes a finite number, got -Infinity"),
            (["--size", "120000", "--frequency", "NaN"], "--frequency takes a finite number, got NaN"),
            (["--profile", "cpu"], "--profile and --set apply to a pipeline file"),
            (["--set", "train.lr=5"], "--profile and --set apply to a pipeline file"),
            // The levers' task kind: alone it changed nothing (the boundaries cover every kind), without a word.
            (["--kind", "modular_addition"], "--kind is the task kind of --size and --frequency (the levers)"),
        })
        {
            var refused = Advise([sweep, .. args, "--output", "out"]);
            Assert.True(refused.Exit == 2, string.Join(' ', args) + ": " + refused.Out + refused.Err);
            Assert.Contains(expected, refused.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
        var plain = Advise(sweep, "--target-accuracy", "0.8", "--output", "out");
        Assert.True(plain.Exit == 0, plain.Out + plain.Err);
    }

    [Fact]
    public async Task A_run_directory_or_a_missing_pipeline_file_is_refused_saying_what_it_is()
    {
        var sweep = await Sweep("s", 0, 1);
        var run = Directory.GetDirectories(Path.Combine(sweep, "runs"))[0];
        foreach (string[] args in new[] { new[] { run }, [sweep, run] })
        {
            // Before: alone, it was advised on as a sweep of one run, its advice written into the run's own folder.
            var refused = Advise(args);
            Assert.True(refused.Exit == 2, refused.Out + refused.Err);
            Assert.Equal($"error: {run}: is one run's directory; advise reads sweep directories (artifacts/NAME[-PROFILE]): give its sweep, s",
                refused.Err.Trim());
            Assert.False(Directory.Exists(Path.Combine(run, "analysis")));
        }
        var missing = Advise("gone.yaml");
        Assert.Equal(2, missing.Exit);
        Assert.Contains("pipeline file 'gone.yaml' does not exist", missing.Err);

        // An OLMo sweep's saved pipeline.yaml names its sweep (it said only "(artifacts/NAME[-PROFILE])"); another file the pattern.
        const string olmo = "name: s\nexperiment: olmo\ntrain: {steps: 10}\ndata:\n  sources: [{paths: ['http://example.org/s.json.gz']}]\n" +
                            "  packing: {seq_len: 64, batch_size: 4}\nolmo: {preset: 4M}\n";
        File.WriteAllText(Path.Combine(sweep, "pipeline.yaml"), olmo);
        File.WriteAllText(Path.Combine(dir, "o.yaml"), olmo);
        var saved = Advise(Path.Combine("s", "pipeline.yaml"));
        Assert.True(saved.Exit == 2, saved.Out + saved.Err);
        Assert.Equal($"error: {Path.Combine("s", "pipeline.yaml")} is an olmo pipeline: advice from trained runs reads its sweep directory (pipeline advise s)",
            saved.Err.Trim());
        var file = Advise("o.yaml");
        Assert.Equal("error: o.yaml is an olmo pipeline: advice from trained runs reads its sweep directory (artifacts/NAME[-PROFILE])", file.Err.Trim());
    }

    [Fact]
    public async Task An_output_that_is_a_file_is_refused_before_any_work()
    {
        var sweep = await Sweep("s", 0, 1);
        File.WriteAllText(Path.Combine(dir, "afile"), "mine");
        foreach (var input in new[] { sweep, RepoFiles.Pipeline("synthetic-residual.yaml") })
        {
            string[] args = input == sweep ? [input, "--output", "afile"] : [input, "--profile", "cpu", "--output", "afile"];
            var refused = Advise(args);
            Assert.True(refused.Exit == 2, refused.Out + refused.Err);
            Assert.Equal("error: --output afile: is a file; --output takes a folder for the advice tables and plot", refused.Err.Trim());
            Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "afile")));
        }
    }
}
