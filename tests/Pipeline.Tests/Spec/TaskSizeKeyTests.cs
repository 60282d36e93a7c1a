using Retention.Spec;

namespace Retention.Tests.Spec;

/// <summary>A task's sizes are refused at their own keys, in the YAML's words: the task's constructor said them in its
/// parameters' names ("count ('1') must be greater than or equal to '2'") at the task's mapping.</summary>
public sealed class TaskSizeKeyTests() : InTempFolder("task-size-")
{
    [Theory]
    [InlineData("items: 1", "items", "must be 0 (the kind's default: 101 comparison items, modulus 113 for modular addition) or at least 2, got 1")]
    [InlineData("instances: 1", "instances", "must be >= 2, got 1")]
    [InlineData("instances: 0", "instances", "must be >= 2, got 0")]
    [InlineData("instances: 10, train_instances: 10", "train_instances", "must be in 1..9 (instances 10: the rest are the held-out test split), got 10")]
    [InlineData("train_instances: 0", "train_instances", "must be in 1..9999 (instances 10000: the rest are the held-out test split), got 0")]
    public void A_size_the_task_cannot_have_is_said_at_its_key(string sizes, string key, string message)
    {
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n', "name: p", "experiment: data", "data:",
            "  sources: [{paths: ['http://example.org/s.json.gz']}]", $"  tasks: [{{kind: comparison, {sizes}}}]") + "\n");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file)).Errors);

        Assert.Equal(($"data.tasks[0].{key}", 5), (error.Path, error.Line));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_unknown_tokenizer_kind_is_said_once()
    {
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n', "name: p", "experiment: data", "data:",
            "  sources: [{paths: ['http://example.org/s.json.gz']}]", "  tokenizer: {kind: gpt3}") + "\n");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file)).Errors);

        Assert.Equal("data.tokenizer.kind", error.Path);
        Assert.Contains("did you mean 'gpt2'", error.Message);
    }
}
