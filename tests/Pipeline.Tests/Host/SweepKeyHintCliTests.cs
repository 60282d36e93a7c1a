namespace Retention.Tests.Host;

/// <summary>The sweep keys a user writes first for a new experiment: the field's last part (`width`, as run ids and the
/// swept table name it), or an injected task's frequency. `validate` names the dotted path meant, or the two ways to vary a
/// task's frequency; it listed the file's top-level sections, or said only that data.tasks is a list.</summary>
public sealed class SweepKeyHintCliTests() : InTempFolder("sweep-key-hint-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    static string[] Errors(string err) => [.. err.Split("error: ").Skip(1).Select(e => e.Trim())];

    (int Exit, string Err) Validate(string yaml)
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), yaml);
        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");
        return (exit, err);
    }

    [Fact]
    public void A_sweep_key_written_as_the_fields_last_part_names_the_dotted_path_meant()
    {
        var (exit, err) = Validate("name: a\nsynthetic: {tasks: 4, dims_per_task: 4, rare: {frequency: 0.01}}\nsweep:\n  width: [2, 4]\n  rare.gap: [1, 10]\n");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("p.yaml:4:3: sweep: 'width' is not a field of the file's top level: did you mean 'synthetic.width'? " +
            "(a sweep key is the field's dotted path from the top of the file", errors[0]);
        Assert.StartsWith("p.yaml:5:3: sweep: 'rare.gap' is not a field of the file's top level: did you mean 'synthetic.rare.gap'?", errors[1]);
    }

    [Fact]
    public void A_last_part_several_fields_end_in_names_each_and_one_no_field_ends_in_lists_the_sections()
    {
        var (exit, err) = Validate("name: a\nsynthetic: {tasks: 4, dims_per_task: 4}\nsweep:\n  lr: [0.1, 0.2]\n  widht: [2]\n");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(2, errors.Length);
        Assert.Contains("'lr' is not a field of the file's top level: did you mean 'train.lr'?", errors[0]);   // a synthetic file sweeps no probes.das.lr
        Assert.Contains("'widht' is not a field: unknown key 'widht'; allowed: name,", errors[1]);
    }

    [Fact]
    public void An_injected_tasks_frequency_says_how_to_vary_it()
    {
        File.WriteAllText(Path.Combine(dir, "a.jsonl"), "{\"id\": \"1\", \"text\": \"some text to read\"}\n");
        var (exit, err) = Validate("""
            name: a
            experiment: data
            data:
              sources: [{paths: [a.jsonl]}]
              tasks: [{kind: comparison, frequency: 0.01}]
            sweep:
              data.tasks.frequency: [0.01, 0.001]
              gap: [1, 10]

            """);

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("p.yaml:7:3: sweep: 'data.tasks.frequency' is not a field that can be swept: 'frequency' is a key of each " +
            "injected task, and data.tasks is a list", errors[0]);
        Assert.Contains("put one task per frequency in data.tasks, each its own name and seed", errors[0]);
        Assert.Contains("--set 'data.tasks=[{...}]'", errors[0]);
        Assert.StartsWith("p.yaml:8:3: sweep: 'gap' is not a field that can be swept: 'gap' is a key of each injected task", errors[1]);
    }
}
