using static Retention.Tests.Spec.SpecSamples;

namespace Retention.Tests.Spec;

/// <summary>A probe that names no task takes the first of its kind; with a task's kind misspelt, or a task the binder
/// dropped, `validate` also said "probes.das.task: needs a comparison task in data.tasks to probe", a second error that
/// blamed the probe for the task the user did write. The task's own error is said alone.</summary>
public class ProbeTaskCascadeTests
{
    static string Pipeline(string task, string? tasks = null) => Yaml(
        "name: o",
        "experiment: olmo",
        "data:",
        "  sources: [{paths: ['https://example.org/a.json.gz']}]",
        "  packing: {seq_len: 16, batch_size: 2}",
        $"  tasks: {tasks ?? $"[{task}]"}",
        "olmo: {preset: 4M, layers: 2, hidden: 16, mlp_dim: 64, heads: 2}",
        "train: {steps: 10}",
        "probes: {das: {}, gradients: {}}");

    [Theory]
    [InlineData("{kind: comparsion}", "data.tasks[0].kind")]          // a misspelt kind
    [InlineData("{kind: comparison, frequency: [1]}", "data.tasks[0].frequency")]   // a value the binder drops
    [InlineData("5", "data.tasks[0]")]                                 // an item the binder replaces
    public void A_bad_task_is_the_only_error_not_the_probes_that_would_read_it(string task, string path)
    {
        var errors = Errors(Pipeline(task));
        Assert.Equal(path, Assert.Single(errors).Path);
    }

    [Theory]
    [InlineData("5")]
    [InlineData("~")]
    public void A_task_list_the_binder_dropped_is_the_only_error(string tasks)
    {
        var errors = Errors(Pipeline("", tasks));
        Assert.Equal("data.tasks", Assert.Single(errors).Path);
    }

    [Fact]
    public void Without_a_comparison_task_the_das_probe_is_still_refused()
    {
        var error = Assert.Single(Errors(Pipeline("{kind: modular_addition}")));
        Assert.Equal("probes.das.task", error.Path);
        Assert.Equal("needs a comparison task in data.tasks to probe", error.Message);
    }
}
