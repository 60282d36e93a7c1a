using Retention.Pipeline;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>README: a sweep that gained a key (`--set 'sweep.seed=[0,1]'`) keeps each earlier run under its new id, `width-8`
/// continuing as `width-8_seed-0`: an interrupted synthetic run continues from its checkpoint under the new id too.</summary>
public class RenamedRunResumeTests() : InTempFolder("renamed-resume-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Yaml = "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 3}\ntrain: {steps: 3000, batch_size: 16, log_every: 100}\n";

    [Fact]
    public async Task An_interrupted_synthetic_run_renamed_by_a_new_sweep_key_continues_from_its_checkpoint()
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), Yaml);
        var whole = CliProcess.Run(dir, Limit, "run", "s.yaml", "--artifacts", "whole", "--no-analysis");
        Assert.True(whole.Exit == 0, whole.Out + whole.Err);

        using (var stop = new CancellationTokenSource())
        {
            var stopped = await PipelineRunner.RunAsync(SpecLoader.LoadText(Yaml, Path.Combine(dir, "s.yaml")), Path.Combine(dir, "cut"),
                new StopAt(1000, stop), stop.Token, analyze: false);
            Assert.True(stopped.Interrupted);
        }
        long saved = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cut", "s", "runs", "default", "status.json")))
            .RootElement.GetProperty("steps").GetInt64();

        var resumed = CliProcess.Run(dir, Limit, "run", "s.yaml", "--artifacts", "cut", "--no-analysis", "--resume", "--set", "sweep.seed=[0,1]");
        Assert.True(resumed.Exit == 0, resumed.Out + resumed.Err);
        Assert.Contains("default continues as seed-0", resumed.Out);
        Assert.DoesNotContain("no checkpoint to resume from", resumed.Out);
        Assert.Contains($"seed-0: resuming from the checkpoint at step {saved}", resumed.Out);
        // Continued bit for bit: seed-0's rows are the uninterrupted run's, each step once.
        const string rows = "SELECT step, lr, train_loss FROM train ORDER BY step";
        Assert.Equal(SweepRows.Of(Path.Combine(dir, "whole", "s"), rows),
                     SweepRows.Of(Path.Combine(dir, "cut", "s"), rows.Replace("FROM train", "FROM train WHERE run = 'seed-0'")));
        Assert.Equal("30,30", SweepRows.Of(Path.Combine(dir, "cut", "s"), "SELECT count(*), count(DISTINCT step) FROM train WHERE run = 'seed-1'"));
    }

    [Fact]
    public async Task A_run_whose_adoption_fails_part_way_is_put_back_under_its_earlier_id_as_it_was()
    {
        const string small = "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 3}\ntrain: {steps: 200, batch_size: 16, log_every: 100}\n";
        var file = Path.Combine(dir, "s.yaml");
        await PipelineRunner.RunAsync(SpecLoader.LoadText(small, file), Path.Combine(dir, "a"), SilentProgress.Instance, default, analyze: false);
        var runs = Path.Combine(dir, "a", "s", "runs");
        var before = Directory.GetFiles(Path.Combine(runs, "default")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        // A folder where the header's theory.arrow goes: the move and the first header files succeed, then writing fails.
        File.Delete(Path.Combine(runs, "default", "theory.arrow"));
        Directory.CreateDirectory(Path.Combine(runs, "default", "theory.arrow"));
        before.Remove("theory.arrow");

        var renamed = SpecLoader.LoadText(small, file, sets: ["sweep.seed=[0,1]"]);
        await Assert.ThrowsAnyAsync<IOException>(() => PipelineRunner.RunAsync(renamed, Path.Combine(dir, "a"), SilentProgress.Instance, default,
            resume: true, analyze: false));

        Assert.False(Directory.Exists(Path.Combine(runs, "seed-0")));
        var after = Directory.GetFiles(Path.Combine(runs, "default")).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.All(before, f => Assert.True(f.Value.AsSpan().SequenceEqual(after[f.Key]), $"{f.Key} changed"));   // run.yaml and swept.arrow too
    }
}
