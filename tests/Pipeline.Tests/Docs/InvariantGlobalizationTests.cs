using System.Text.Json;
using Retention.Tests.Host;

namespace Retention.Tests.Docs;

/// <summary>
/// README "GPU servers" tells users nothing about ICU: the program is built culture-invariant (InvariantGlobalization in
/// Directory.Build.props, which the single-file publish embeds too), so it runs where libicu is not installed, without
/// `export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1` (the README once asked for it). Read from the program's runtimeconfig.json,
/// and started with the variable unset.
/// </summary>
public sealed class InvariantGlobalizationTests() : InTempFolder("invariant-")
{
    [Fact]
    public void The_program_is_culture_invariant_without_the_environment_variable()
    {
        var config = Path.ChangeExtension(CliProcess.Dll, ".runtimeconfig.json");
        using var json = JsonDocument.Parse(File.ReadAllText(config));
        Assert.True(json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties")
            .GetProperty("System.Globalization.Invariant").GetBoolean(), config);

        using var process = CliProcess.Start(dir, new Dictionary<string, string?> { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = null }, "--help");
        var help = process.WaitForExit(TimeSpan.FromMinutes(1));
        Assert.True(help.Exit == 0, help.Err);
        Assert.Contains("Rare-task retention experiments", help.Out);
        Assert.DoesNotContain("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT", Readme.Load().Text);
    }
}
