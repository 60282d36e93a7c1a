using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`validate` named a run whose preset sizes the file overrides "OLMo 4M" while the run's own log says
/// "OLMo 4M shape": the two name what the run trains the same way (the override makes it the 4M shape, not the 4M model).</summary>
public sealed class OlmoShapeLabelCliTests() : InTempFolder("olmo-shape-label-")
{
    [Fact]
    public void Validate_names_an_overridden_preset_as_the_run_log_does()
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), TinyCorpus.TinyOlmo(dir, steps: 2) + "\n");   // 4M preset, layers 2, hidden 32

        var validate = CliProcess.Run(dir, TimeSpan.FromMinutes(2), "validate", "tiny.yaml");
        var run = CliProcess.Run(dir, TimeSpan.FromMinutes(3), "run", "tiny.yaml");

        Assert.True(validate.Exit == 0, validate.Out + validate.Err);
        Assert.True(run.Exit == 0, run.Out + run.Err);
        string Label(string text, string prefix) =>
            text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..].Split(" parameters")[0];
        var validated = Label(validate.Err + validate.Out, "default: ");
        Assert.StartsWith("OLMo 4M shape, ", validated);
        Assert.Equal(validated, Label(run.Err + run.Out, "default: "));   // the same label and parameter count
    }
}
