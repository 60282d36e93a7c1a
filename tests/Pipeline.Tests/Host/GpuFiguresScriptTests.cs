using Retention.Data.Corpus;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// scripts/gpu-figures.sh is run on a lent GPU machine whose time is short (15 minutes a session,
/// its start included), so it must not first fail there. Its rehearsal runs every one of its commands
/// shrunk to the CPU, in a copy of the repository's layout, and checks what the device returns:
/// the log and each figure's record, flat in $OUT (the device brings back 8 files, 2 folders deep).
/// </summary>
public sealed class GpuFiguresScriptTests() : InTempFolder("gpu-figures-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    string Repo => Path.GetDirectoryName(RepoFiles.PipelinesDirectory)!;
    string Out => Path.Combine(dir, "out");

    /// <summary>The script, the pipelines and a Brown-format shard under <see cref="dir"/>, as the device's tree has them.</summary>
    async Task<string> LayoutAsync()
    {
        string tree = Path.Combine(dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "scripts"));
        File.Copy(Path.Combine(Repo, "scripts", "gpu-figures.sh"), Path.Combine(tree, "scripts", "gpu-figures.sh"));
        foreach (var file in Directory.GetFiles(RepoFiles.PipelinesDirectory, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(tree, "pipelines", Path.GetRelativePath(RepoFiles.PipelinesDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var words = "the jury said that no evidence had been found in the city of atlanta".Split(' ');
        var rng = new Random(3);
        await DolmaShards.WriteAsync(Enumerable.Range(0, 100).Select(d => new
        {
            id = $"b{d}", text = string.Join(' ', Enumerable.Range(0, 40).Select(_ => words[rng.Next(words.Length)])),
        }), Path.Combine(tree, "data", "brown"), "brown", 100);
        return tree;
    }

    async Task<(int Exit, string Out, string Err)> ScriptAsync(string pipelineCommand)
    {
        string tree = await LayoutAsync();
        using var script = CliProcess.StartProgram(Path.GetTempPath(), new Dictionary<string, string?>
        {
            ["REHEARSAL"] = "1", ["PIPELINE"] = pipelineCommand, ["OUT"] = Out, ["ARTIFACTS"] = Path.Combine(dir, "artifacts"),
        }, "bash", Path.Combine(tree, "scripts", "gpu-figures.sh"));
        return script.WaitForExit(Limit);
    }

    [Fact]
    public async Task Every_step_runs_and_the_figures_come_back_flat_in_OUT()
    {
        var (exit, output, err) = await ScriptAsync(CliProcess.CommandLine);
        Assert.True(exit == 0, output + err);

        var files = Directory.GetFileSystemEntries(Out).Select(Path.GetFileName).Order().ToList();
        Assert.All(files, f => Assert.True(File.Exists(Path.Combine(Out, f!)), $"{f} is not a plain file"));
        Assert.True(files.Count <= 8, $"more than the device returns: {string.Join(", ", files)}");
        Assert.Contains("gpu-figures.log", files);
        Assert.Equal(output.Trim(), File.ReadAllText(Path.Combine(Out, "gpu-figures.log")).Trim());

        // First the parity checks, both elementwise paths, each precision agreeing with the CPU's fp32.
        Assert.Equal(4, output.Split('\n').Count(l => l.Contains(" against fp32 on the CPU") && l.EndsWith(": agree")));
        Assert.DoesNotContain(files, f => f!.StartsWith("parity-", StringComparison.Ordinal));

        // The training figures: the plain model, the big one in micro-batches, the plain one with fused elementwise
        // work, each naming its attention kernel.
        var train = files.Where(f => f!.StartsWith("train-", StringComparison.Ordinal)).Select(f => ArrowRows.Read(Path.Combine(Out, f!)).Single()).ToList();
        Assert.Equal([(1, false), (1, true), (2, false)], train.Select(r => ((int)r["grad_accumulation"]!, (bool)r["fused_elementwise"]!)).Order());
        Assert.All(train, r => Assert.Equal("bf16", r["precision"]));
        Assert.All(train, r => Assert.True((double)r["tokens_per_s"]! > 0));
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("attention kernel: ", StringComparison.Ordinal)));

        // The probes' cost: both probes timed on the run the script asked for.
        var probes = ArrowRows.Read(Path.Combine(Out, files.Single(f => f!.StartsWith("probes-", StringComparison.Ordinal))!));
        Assert.Equal(["das", "fourier"], probes.Where(r => (bool)r["is_probe"]!).Select(r => (string)r["stage"]!).Order());
        Assert.All(probes, r => Assert.Equal(20L, r["steps"]));
        Assert.DoesNotContain("FAILED", output);
    }

    [Fact]
    public async Task A_failing_step_is_named_the_rest_still_run_and_the_script_exits_1()
    {
        var (exit, output, _) = await ScriptAsync("false");
        Assert.Equal(1, exit);
        var failed = output.Split('\n').Where(l => l.StartsWith("FAILED: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(6, failed.Count);   // two parity checks, the training bench, the big model's, the fused one's, the probes'
        Assert.Contains(failed, l => l.Contains("bench probes"));
    }
}
