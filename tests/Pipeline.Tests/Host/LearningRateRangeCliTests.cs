namespace Retention.Tests.Host;

/// <summary>A learning rate the trainers' float32 arithmetic cannot hold is refused by `validate` and `run` at its key, as every
/// out-of-range value is, instead of failing the run with "value cannot be converted to type float without overflow".</summary>
public class LearningRateRangeCliTests() : InTempFolder("lr-range-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("validate")]
    [InlineData("run")]
    public void A_learning_rate_beyond_float32_is_an_input_error_at_its_key(string command)
    {
        File.WriteAllText(Path.Combine(dir, "s.yaml"), "name: s\nsynthetic: {tasks: 4, dims_per_task: 4, width: 2}\n" +
            "train: {steps: 20, batch_size: 8, log_every: 10, lr: 1e300}\n");
        var result = command == "run" ? CliProcess.Run(dir, Limit, "run", "s.yaml", "--no-analysis") : CliProcess.Run(dir, Limit, "validate", "s.yaml");
        Assert.True(result.Exit == 2, result.Out + result.Err);
        Assert.Contains("s.yaml:3:", result.Err);
        Assert.Contains("train.lr: must be", result.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
    }
}
