namespace Retention.Tests.Host;

/// <summary>`pipeline validate` on a file with duplicate keys and other mistakes: one pass reports all of them,
/// each at its line and column, a duplicate naming where the key was first.</summary>
public sealed class DuplicateKeyValidateTests() : InTempFolder("dup-keys-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void Duplicate_keys_are_reported_with_every_other_mistake_each_at_its_line()
    {
        File.WriteAllText(Path.Combine(dir, "d.yaml"), string.Join('\n',
            "name: d",                                              // 1
            "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",    // 2
            "train:",                                               // 3
            "  steps: 200",                                         // 4
            "  batch_size: x",                                      // 5
            "  steps: 300",                                         // 6
            "seed: foo",                                            // 7
            "analysis:",                                            // 8
            "  tables:",                                            // 9
            "    - {name: t, sql: 'SELECT 1', name: u}",            // 10
            "synthetic: {tasks: 5}") + "\n");                       // 11

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "d.yaml");

        Assert.True(exit == 2, output + err);
        const string once = "a key may appear only once in a mapping";
        Assert.Equal([
            "error: d.yaml:5:15: train.batch_size: expected an integer, got 'x'",
            $"error: d.yaml:6:3: train: duplicate key 'steps' (first at line 4); {once}",
            "error: d.yaml:7:7: seed: expected an integer, got 'foo'",
            $"error: d.yaml:10:34: analysis.tables[0]: duplicate key 'name' (first at line 10, column 8); {once}",
            $"error: d.yaml:11:1: duplicate key 'synthetic' (first at line 2); {once}",
        ], err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void A_duplicate_key_leaves_the_path_tokenizer_and_sql_checks_running()
    {
        // The duplicates are the only structural mistakes: the first copies make a well-formed tree, so the data path,
        // tokenizer file and analysis SQL are checked as if the later copies were not there.
        File.WriteAllText(Path.Combine(dir, "d.yaml"), string.Join('\n',
            "name: d",                                                      // 1
            "experiment: data",                                             // 2
            "seed: 1",                                                      // 3
            "data:",                                                        // 4
            "  sources: [{paths: ['shards/*.jsonl']}]",                     // 5
            "  tokenizer: {kind: huggingface, path: tok/tokenizer.json}",   // 6
            "  packing: {seq_len: 32, batch_size: 4}",                      // 7
            "train: {steps: 3}",                                            // 8
            "analysis:",                                                    // 9
            "  tables:",                                                    // 10
            "    - {name: t, sql: 'SELECT nosuch FROM batches', name: u}",  // 11
            "seed: 2") + "\n");                                             // 12

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "d.yaml");

        Assert.True(exit == 2, output + err);
        const string hint = " (relative paths resolve against the pipeline file's folder; --data-dir DIR points elsewhere)";
        var shards = Path.Combine(dir, "shards");
        const string once = "a key may appear only once in a mapping";
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("error: ")).ToList();
        Assert.Equal([
            $"error: d.yaml:5:22: data.sources[0].paths[0]: 'shards/*.jsonl' matches no shard file (relative to {dir}){hint}" +
                $"; `pipeline data sample SOURCES... --docs N --out {shards}` writes a local sample of a corpus there " +
                $"(`pipeline data brown --out {shards}`: the Brown corpus)",
            $"error: d.yaml:6:40: data.tokenizer.path: no such file '{Path.Combine(dir, "tok", "tokenizer.json")}'{hint}",
            "error: d.yaml:11:30: analysis.tables[0].sql: Binder Error: Referenced column \"nosuch\" not found in FROM clause!",   // at nosuch, DuckDB's caret
            $"error: d.yaml:11:52: analysis.tables[0]: duplicate key 'name' (first at line 11, column 8); {once}",
            $"error: d.yaml:12:1: duplicate key 'seed' (first at line 3); {once}",
        ], lines);
    }

    [Fact]
    public void A_duplicate_key_in_one_profile_leaves_every_profile_checked()
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p",                                              // 1
            "synthetic: {tasks: 4, dims_per_task: 2, width: 2}",    // 2
            "train: {steps: 10}",                                   // 3
            "profiles:",                                            // 4
            "  gpu:",                                               // 5
            "    train:",                                           // 6
            "      lr: -3",                                         // 7
            "      stesp: 4",                                       // 8
            "    train: {steps: 5}",                                // 9
            "  cpu:",                                               // 10
            "    synthetic: {width: 100}") + "\n");                 // 11

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.True(exit == 2, output + err);
        Assert.Equal([
            "error: p.yaml:9:5: profiles.gpu: duplicate key 'train' (first at line 6); a key may appear only once in a mapping",
            "error: p.yaml:7:11: train.lr: must be a finite number > 0, got -3 (with --profile gpu)",
            "error: p.yaml:8:7: train: unknown key 'stesp' (did you mean 'steps'?); allowed: steps, batch_size, optimizer, lr, lr_schedule, "
                + "min_lr_ratio, warmup_steps, log_every, init_scale, max_loss_ratio (with --profile gpu)",
            // D = tasks × dims_per_task = 8
            "error: p.yaml:11:24: synthetic.width: must be at most the input dimension D = 8 (tasks × dims_per_task), got 100 (with --profile cpu)",
        ], err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
