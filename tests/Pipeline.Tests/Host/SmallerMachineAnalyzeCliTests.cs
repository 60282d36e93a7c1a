namespace Retention.Tests.Host;

/// <summary>A sweep trained on a machine with more memory, read on one with less: `status`, `analyze` and `analyze
/// --pipeline FILE` train nothing, so this machine's memory is no reason to refuse them. They refused with the training
/// run's memory estimate ('needs about 0.2 GiB; this machine has 0.1 GiB'), `status` printing no run at all. The smaller
/// machine is this one with the .NET heap limited (DOTNET_GCHeapHardLimit), which is what the estimate reads.</summary>
public sealed class SmallerMachineAnalyzeCliTests() : InTempFolder("smaller-machine-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);
    static readonly Dictionary<string, string?> Smaller = new() { ["DOTNET_GCHeapHardLimit"] = "0x8000000" };   // 128 MiB

    const string Pipeline = """
        name: mem
        synthetic: {tasks: 4, dims_per_task: 4, width: 4}
        train: {steps: 2, batch_size: 1000000, log_every: 1}
        analysis:
          tables:
            - {name: last, sql: 'SELECT max(step) AS step FROM metrics'}

        """;

    [Fact]
    public void Status_and_analyze_read_a_sweep_whose_runs_need_more_memory_than_this_machine_has()
    {
        File.WriteAllText(Path.Combine(dir, "m.yaml"), Pipeline);
        var (trained, _, trainErr) = CliProcess.Run(dir, Limit, "run", "m.yaml");
        Assert.True(trained == 0, trainErr);
        var sweep = Path.Combine("artifacts", "mem");

        // The smaller machine: what would train is refused, as before.
        var (refused, _, refusal) = CliProcess.Run(dir, Limit, Smaller, "validate", "m.yaml");
        Assert.Equal(2, refused);
        Assert.Contains("train.batch_size: a run of width 4 over D = 16 input dimensions at batch 1000000 needs about", refusal);

        var (statusExit, statusOut, statusErr) = CliProcess.Run(dir, Limit, Smaller, "status", sweep);
        Assert.True(statusExit == 0, statusErr);
        Assert.Contains("1 run: 1 completed", statusOut);
        foreach (var args in new[] { new[] { "analyze", sweep }, ["analyze", sweep, "--pipeline", "m.yaml"] })
        {
            var (exit, output, err) = CliProcess.Run(dir, Limit, Smaller, args);
            Assert.True(exit == 0, $"{string.Join(' ', args)}: {err}");
            Assert.Contains("table last: 1 row -> ", output);   // one row, not "1 rows"
        }
    }
}
