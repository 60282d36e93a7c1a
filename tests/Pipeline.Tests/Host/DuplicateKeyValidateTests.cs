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
}
