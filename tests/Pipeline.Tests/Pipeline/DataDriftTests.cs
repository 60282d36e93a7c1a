using System.Globalization;
using Retention.Data;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>
/// What a refused resume says when a run's data paths read other files than when it started: the files that differ, and
/// advice that works. Re-tokenized in place (the folder unchanged), no --data-dir helps: the data must be restored, or the
/// run trained afresh. Only another folder that still holds the run's data is offered as --data-dir.
/// </summary>
public class DataDriftTests() : InTempFolder("data-drift-")
{
    /// <summary>project/pipelines/p.yaml reading ../data/bt3/*.npy, as `data tokenize --out data/bt3` writes them.</summary>
    static readonly DataSpec Tokens = new() { Sources = [new DataSourceSpec { Paths = ["../data/bt3/*.npy"], Format = "pretokenized" }] };

    /// <summary>A project whose data/bt3 holds files of these sizes; its pipelines folder, what the paths resolve against.</summary>
    string Project(string name, params (string File, int Bytes)[] files)
    {
        var tokens = Directory.CreateDirectory(Path.Combine(dir, name, "data", "bt3")).FullName;
        foreach (var (file, bytes) in files) File.WriteAllBytes(Path.Combine(tokens, file), new byte[bytes]);
        return Directory.CreateDirectory(Path.Combine(dir, name, "pipelines")).FullName;
    }

    static void Rewrite(string pipelines, params (string File, int Bytes)[] files)
    {
        var tokens = Path.Combine(pipelines, "..", "data", "bt3");
        foreach (var old in Directory.GetFiles(tokens)) File.Delete(old);
        foreach (var (file, bytes) in files) File.WriteAllBytes(Path.Combine(tokens, file), new byte[bytes]);
    }

    /// <summary>provenance.json as a run records it when it starts, against <paramref name="folder"/>.</summary>
    static SweepContract.Provenance StartedAgainst(string folder, bool withFiles = true) =>
        SweepContract.Start("cpu") with
        {
            DataDirectory = folder,
            DataFingerprint = DataFingerprint.Of(Tokens, folder),
            DataFiles = withFiles ? DataFingerprint.Files(Tokens, folder) : null,
        };

    [Fact]
    public void Data_retokenized_in_place_names_the_files_that_differ_and_offers_no_data_dir()
    {
        var pipelines = Project("x", ("part-00000.npy", 4000), ("part-00001.npy", 4000), ("part-00002.npy", 1000));
        var earlier = StartedAgainst(pipelines);
        Rewrite(pipelines, ("part-00000.npy", 8000), ("part-00001.npy", 1000));   // --tokens-per-file doubled: fewer, larger files

        Assert.Equal($"its data was rewritten since the run started: its paths, resolved against {pipelines} as when it trained, now read " +
            "other files (2 changed size: ../data/bt3/part-00000.npy 4,000 bytes → 8,000 bytes, ../data/bt3/part-00001.npy 4,000 bytes → 1,000 bytes; " +
            "1 removed: ../data/bt3/part-00002.npy); to continue the run, restore the data as it was, or train it afresh",
            DataDrift.Problem(earlier, Tokens, pipelines));
    }

    [Fact]
    public void Many_differences_show_the_first_few_of_each_kind_and_how_many_more()
    {
        var pipelines = Project("x", ("part-00000.npy", 10));
        var earlier = StartedAgainst(pipelines);
        Rewrite(pipelines, [.. Enumerable.Range(0, 7).Select(i => ($"part-{i:D5}.npy", 10))]);

        Assert.Contains("(6 added: ../data/bt3/part-00001.npy, ../data/bt3/part-00002.npy, ../data/bt3/part-00003.npy and 3 more)",
            DataDrift.Problem(earlier, Tokens, pipelines));
    }

    [Fact]
    public void Another_folder_is_offered_as_data_dir_only_while_it_still_holds_the_runs_data()
    {
        var first = Project("first", ("part-00000.npy", 4000));
        var earlier = StartedAgainst(first);
        var other = Project("other", ("part-00000.npy", 4000), ("part-00001.npy", 200));

        var moved = DataDrift.Problem(earlier, Tokens, other)!;
        Assert.StartsWith($"its data paths now read other files (names or sizes) than when it trained: they resolved against {first}, now " +
            $"against {other} (1 added: ../data/bt3/part-00001.npy); give --data-dir {first} to continue it on the same data", moved);

        Rewrite(first, ("part-00000.npy", 5000));   // the first folder's data changed too: --data-dir there would be refused again
        var neither = DataDrift.Problem(earlier, Tokens, other)!;
        Assert.DoesNotContain("--data-dir", neither);
        Assert.EndsWith($"{first} no longer holds that data either: restore it to continue the run, or train it afresh", neither);
    }

    [Fact]
    public void The_same_files_are_no_problem_anywhere_and_a_run_that_recorded_no_list_says_which_differ_is_unknown()
    {
        var pipelines = Project("x", ("part-00000.npy", 4000));
        Assert.Null(DataDrift.Problem(StartedAgainst(pipelines), Tokens, pipelines));
        var copy = Project("copy", ("part-00000.npy", 4000));
        Assert.Null(DataDrift.Problem(StartedAgainst(pipelines), Tokens, copy));   // a project moved whole

        var older = StartedAgainst(pipelines, withFiles: false);   // provenance.json of an earlier version: the fingerprint only
        Rewrite(pipelines, ("part-00000.npy", 10));
        Assert.Contains("(which files differ is unknown: the run's provenance.json, from an earlier version, records only their fingerprint)",
            DataDrift.Problem(older, Tokens, pipelines));
    }

    [Fact]
    public async Task A_run_records_its_files_and_a_resume_after_they_changed_is_refused_naming_them()
    {
        var yaml = TinyCorpus.TinyOlmo(dir, 3 + StopAt.RunAhead + 1);   // stopped at 3: mid-run however far the trainer ran ahead
        Task<PipelineResult> Run(IRunProgress progress, CancellationToken stop, bool resume) =>
            PipelineRunner.RunAsync(SpecLoader.LoadText(yaml, "tiny.yaml"), Path.Combine(dir, "artifacts"), progress, stop,
                dataDirectory: dir, resume: resume, analyze: false);
        using (var stop = new CancellationTokenSource())
            Assert.Equal("interrupted", (await Run(new StopAt(3, stop), stop.Token, resume: false)).Runs.Single().Status.State);
        var runDir = Path.Combine(dir, "artifacts", "tiny", "runs", "default");
        var shard = Path.Combine(dir, "shards", "a.jsonl");
        long size = new FileInfo(shard).Length;
        Assert.Contains(new DataFile("file", "shards/a.jsonl", size), SweepContract.ReadProvenance(runDir)!.DataFiles!.ToList());

        File.AppendAllText(shard, "{\"id\": \"x\", \"text\": \"more\"}\n");
        File.Copy(shard, Path.Combine(dir, "shards", "b.jsonl"));
        var refused = await Assert.ThrowsAsync<SweepContractException>(() => Run(SilentProgress.Instance, CancellationToken.None, resume: true));
        string Bytes(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        Assert.Contains($"default: its data was rewritten since the run started: its paths, resolved against {dir} as when it trained, now read " +
            $"other files (1 changed size: shards/a.jsonl {Bytes(size)} bytes → {Bytes(new FileInfo(shard).Length)} bytes; 1 added: shards/b.jsonl)", refused.Message);
        Assert.DoesNotContain("--data-dir", refused.Message);
    }
}
