using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise`'s options for trained runs mean what analysis.advise's keys mean, for each kind of input: a
/// synthetic pipeline's advice is exact for every width and frequency, so --target-accuracy, --size, --frequency and --kind
/// change nothing there and are refused at any other value, as the keys are; at their defaults they pass, as the keys do.
/// `advise FILE --target-accuracy 0.8` was refused while `advise: {target_accuracy: 0.8}` in the file was accepted, and
/// `advise SWEEP --kind comparison` while `advise: {kind: comparison}` without the levers was.</summary>
public sealed class AdviseOptionsAsTheFileCliTests() : InTempFolder("advise-options-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    const string Mixture = """
        name: mix
        device: cpu
        synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
        train: {steps: 10, batch_size: 8, log_every: 10}
        """;

    (int Exit, string Out, string Err) Cli(params string[] args) => CliProcess.Run(dir, Limit, args);

    /// <summary>mix.yaml with analysis.advise holding <paramref name="advise"/>, validated.</summary>
    (int Exit, string Out, string Err) ValidateWith(string advise)
    {
        File.WriteAllText(Path.Combine(dir, "advised.yaml"), Mixture + $"\nanalysis: {{advise: {{{advise}}}}}\n");
        return Cli("validate", "advised.yaml");
    }

    [Fact]
    public void A_synthetic_file_takes_the_trained_runs_options_at_their_defaults_only_as_its_analysis_advise_does()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Mixture);
        var file = ValidateWith("target_accuracy: 0.8, kind: comparison");
        Assert.True(file.Exit == 0, file.Out + file.Err);
        var cli = Cli("advise", "mix.yaml", "--target-accuracy", "0.8", "--kind", "comparison", "--output", "defaults");
        Assert.True(cli.Exit == 0, cli.Out + cli.Err);
        Assert.True(File.Exists(Path.Combine(dir, "defaults", "advice_widths.arrow")));

        foreach (var (key, option, said) in new (string, string[], string)[]
        {
            ("target_accuracy: 0.9", ["--target-accuracy", "0.9"], "--target-accuracy 0.9: is for advice from OLMo sweep directories (trained runs)"),
            ("kind: modular_addition", ["--kind", "modular_addition"], "--kind modular_addition: is for advice from OLMo sweep directories"),
            ("size: 1000, frequency: 0.01", ["--size", "1000", "--frequency", "0.01"], "--size 1000 --frequency 0.01: is for advice from OLMo sweep directories"),
        })
        {
            var refusedFile = ValidateWith(key);
            Assert.True(refusedFile.Exit == 2, key + ": " + refusedFile.Out + refusedFile.Err);
            Assert.Contains("does not read 'analysis.advise.", refusedFile.Err);
            Assert.Contains("a synthetic pipeline's advice is exact for every width and frequency", refusedFile.Err);

            var refused = Cli(["advise", "mix.yaml", .. option, "--output", "out"]);
            Assert.True(refused.Exit == 2, string.Join(' ', option) + ": " + refused.Out + refused.Err);
            Assert.Contains(said, refused.Err);
            Assert.Contains("a synthetic pipeline's advice is exact for every width and frequency", refused.Err);
            Assert.False(Directory.Exists(Path.Combine(dir, "out")));
        }
    }

    [Fact]
    public async Task A_sweep_takes_kind_without_the_levers_at_its_default_only_as_analysis_advise_kind_does()
    {
        await OlmoSweepFiles.Write(Path.Combine(dir, "sweep"));
        var plain = Cli("advise", "sweep", "--kind", "comparison", "--output", "plain");
        Assert.True(plain.Exit == 0, plain.Out + plain.Err);
        var other = Cli("advise", "sweep", "--kind", "modular_addition", "--output", "other");
        Assert.True(other.Exit == 2, other.Out + other.Err);
        Assert.Contains("--kind is the task kind of --size and --frequency (the levers)", other.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "other")));
    }
}
