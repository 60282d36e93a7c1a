using System.Text.Json.Nodes;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A data sweep made before data runs wrote tasks.arrow (commit 9a23eab), analysed now that data-injection-preview's
/// injection_rate reads table `tasks`: `analyze` failed naming the table, with a note that the runs "write table 'tasks', but
/// none has written it yet: ... runs still training", which no waiting mends. The note says now that an earlier version
/// ran those runs, names their folders, and that `pipeline run FILE` again writes it (`run --resume` skips them).
/// </summary>
public class OlderRunTablesCliTests() : InTempFolder("older-run-tables-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static readonly string Sweep = Path.Combine("artifacts", "data-injection-preview-cpu");
    static readonly string[] Runs = [Path.Combine(Sweep, "runs", "seed-0"), Path.Combine(Sweep, "runs", "seed-1")];

    /// <summary>The shipped file on the tiny corpus (as ShippedDataPreviewHeldOutSweepTests): 10 steps of 64 tokens, two seeds.</summary>
    string[] RunArgs() =>
    [
        "run", RepoFiles.Pipeline("data-injection-preview.yaml"), "--profile", "cpu", "--data-dir", dir,
        "--set", "data.sources=[{name: brown, paths: ['shards/*.jsonl'], shuffle_buffer: 1, epochs: 0}]",
        "--set", $"data.tokenizer={TinyCorpus.ByteTokenizerYaml()}",
        "--set", "data.packing.seq_len=16", "--set", "data.packing.batch_size=4", "--set", "train.steps=10",
        "--set", "data.tasks=[{kind: comparison, frequency: 0.02}, {kind: modular_addition, frequency: 0.02, gap: 3}]",
        "--set", "sweep.seed=[0,1]",
    ];

    /// <summary>Runs the sweep, then leaves <paramref name="older"/> as an earlier version left them: no tasks.arrow, and a
    /// status.json whose tables do not name it.</summary>
    async Task RunAndMakeOlder(params string[] older)
    {
        TinyCorpus.WriteShard(dir);
        var first = await Task.Run(() => CliProcess.Run(dir, Limit, RunArgs()));
        Assert.True(first.Exit == 0, first.Out + first.Err);
        foreach (var r in older)
        {
            File.Delete(Path.Combine(dir, r, "tasks.arrow"));
            var statusFile = Path.Combine(dir, r, "status.json");
            var ended = JsonNode.Parse(File.ReadAllText(statusFile))!.AsObject();
            var tables = ended["tables"]!.AsArray();
            tables.Remove(tables.Single(t => t!.GetValue<string>() == "tasks"));
            File.WriteAllText(statusFile, ended.ToJsonString());
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task Analyzing_runs_an_earlier_version_made_without_tasks_arrow_says_to_run_the_pipeline_again()
    {
        await RunAndMakeOlder(Runs);
        var (sweep, runs, run) = (Sweep, Runs, RunArgs());

        var analyzed = await Task.Run(() => CliProcess.Run(dir, Limit, "analyze", sweep));
        Assert.True(analyzed.Exit == 1, $"exit {analyzed.Exit}\n{analyzed.Out}\n{analyzed.Err}");   // an analysis that failed
        Assert.Contains("analysis table 'injection_rate'", analyzed.Err);
        Assert.Contains($"note: the runs write table 'tasks', but 2 completed runs have no tasks.arrow: {runs[0]}, {runs[1]}; " +
            "an earlier version of this program ran them, which did not write it. `pipeline run FILE` again", analyzed.Err);
        Assert.DoesNotContain("none has written it yet", analyzed.Err);
        // status records the failure in the same words.
        var status = await Task.Run(() => CliProcess.Run(dir, Limit, "status", sweep));
        Assert.Contains("an earlier version of this program ran them", status.Out + status.Err);

        // As the note says, a --resume keeps the completed runs as they are, and the pipeline run again writes the table.
        var resumed = await Task.Run(() => CliProcess.Run(dir, Limit, [.. run, "--resume"]));
        Assert.NotEqual(0, resumed.Exit);
        Assert.All(runs, r => Assert.False(File.Exists(Path.Combine(dir, r, "tasks.arrow"))));
        var again = await Task.Run(() => CliProcess.Run(dir, Limit, run));
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.All(runs, r => Assert.True(File.Exists(Path.Combine(dir, r, "tasks.arrow"))));
        // The earlier runs kept (beside the earlier analysis's files the failed one set aside).
        Assert.Single(Directory.GetDirectories(Path.Combine(dir, sweep, "previous")), p => Directory.Exists(Path.Combine(p, "runs", "seed-0")));
        // add injected at steps 3, 6 and 9 of 64 tokens: floor(1.28 · 9) = 11; cmp floor(1.28 · 10) = 12, in both runs.
        Assert.Equal("add,11,2\ncmp,12,2", SweepRows.Of(Path.Combine(dir, sweep), "SELECT task, expected, runs FROM injection_rate ORDER BY task"));
    }

    /// <summary>One run of an earlier version beside one of this: the query finds `tasks` (the other run's), and injection_rate
    /// counted one run where the sweep has two, without a word; a note names the run now.</summary>
    /// <summary>A run completed before status.json recorded its tables (commit 8977eb1), and before tasks.arrow (9a23eab): a
    /// --resume or an analyze checks it against this version's tables, and said only that tasks.arrow was lost ("restore the
    /// files, or delete those runs' directories"), which nothing restores. The refusal says the other cause now, and its remedy.</summary>
    [Fact(Timeout = 300_000)]
    public async Task A_run_with_no_recorded_tables_missing_one_is_refused_naming_an_earlier_version_as_a_cause()
    {
        TinyCorpus.WriteShard(dir);
        var first = await Task.Run(() => CliProcess.Run(dir, Limit, RunArgs()));
        Assert.True(first.Exit == 0, first.Out + first.Err);
        File.Delete(Path.Combine(dir, Runs[0], "tasks.arrow"));
        var statusFile = Path.Combine(dir, Runs[0], "status.json");
        var ended = JsonNode.Parse(File.ReadAllText(statusFile))!.AsObject();
        Assert.True(ended.Remove("tables"), "status.json records its tables");
        File.WriteAllText(statusFile, ended.ToJsonString());

        string Refusal(string action) =>
            $"error: 1 completed run of {Sweep} no longer has every table it wrote, and {action} would keep it as it is, so the " +
            "analysis would leave its rows out without saying so: seed-0 (tasks.arrow is missing); restore the files, or delete that " +
            $"run's directory under {Path.Combine(Sweep, "runs")} to train it again. The status.json of seed-0 records no list of the " +
            "tables written, so they may never have had tasks.arrow: if an earlier version of this program ran them, which did not " +
            "write it, `pipeline run FILE` again (the pipeline the sweep was run from";
        var resumed = await Task.Run(() => CliProcess.Run(dir, Limit, [.. RunArgs(), "--resume"]));
        Assert.True(resumed.Exit == 2, resumed.Out + resumed.Err);
        Assert.Contains(Refusal("--resume"), resumed.Err);
        var analyzed = await Task.Run(() => CliProcess.Run(dir, Limit, "analyze", Sweep));
        Assert.True(analyzed.Exit == 2, analyzed.Out + analyzed.Err);
        Assert.Contains(Refusal("`pipeline analyze`"), analyzed.Err);

        // A table lost from a run that recorded its list is only said lost.
        File.Delete(Path.Combine(dir, Runs[1], "tasks.arrow"));
        var both = await Task.Run(() => CliProcess.Run(dir, Limit, [.. RunArgs(), "--resume"]));
        Assert.True(both.Exit == 2, both.Out + both.Err);
        Assert.Contains("seed-0 (tasks.arrow is missing), seed-1 (tasks.arrow is missing); restore the files", both.Err);
        Assert.Contains("The status.json of seed-0 records no list", both.Err);
        Assert.DoesNotContain("seed-1 records", both.Err);

        // As it says, the pipeline run again writes it.
        var again = await Task.Run(() => CliProcess.Run(dir, Limit, RunArgs()));
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.All(Runs, r => Assert.True(File.Exists(Path.Combine(dir, r, "tasks.arrow"))));
    }

    [Fact(Timeout = 300_000)]
    public async Task An_earlier_versions_run_beside_a_current_one_is_named_in_a_note()
    {
        await RunAndMakeOlder(Runs[1]);
        var analyzed = await Task.Run(() => CliProcess.Run(dir, Limit, "analyze", Sweep));
        Assert.True(analyzed.Exit == 0, analyzed.Out + analyzed.Err);
        Assert.Contains($"note: table 'tasks' has no file from 1 completed run: {Runs[1]}; an earlier version of this program ran " +
            "them, which did not write it, so the tables and plots that read it leave those runs out. `pipeline run FILE` again", analyzed.Err);
        Assert.DoesNotContain(Runs[0], analyzed.Err);
        Assert.Equal("add,1\ncmp,1", SweepRows.Of(Path.Combine(dir, Sweep), "SELECT task, runs FROM injection_rate ORDER BY task"));   // what it says
        // A sweep whose runs all wrote it has no such note.
        var again = await Task.Run(() => CliProcess.Run(dir, Limit, RunArgs()));
        Assert.True(again.Exit == 0, again.Out + again.Err);
        Assert.DoesNotContain("earlier version", again.Out + again.Err);
    }
}
