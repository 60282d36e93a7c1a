using Retention.Host.Output;
using Retention.Pipeline;
using Spectre.Console.Testing;

namespace Retention.Tests.Host;

public class LiveProgressTests
{
    /// <summary>Run ids and counts with brackets must be shown as text, not read as Spectre markup
    /// (the live display once crashed on "[1/10] width-8").</summary>
    [Fact]
    public async Task ShowsRunsWithBracketsAndMarkupLikeNamesAsText()
    {
        var console = new TestConsole().Interactive().EmitAnsiSequences();
        var progress = new LiveProgress(console);
        var result = await progress.RunAsync(async p =>
        {
            p.RunStarted("width-8_[red]", 0, 10, 100);
            await Task.Delay(400);   // let the refresh thread draw the new task's description
            Assert.Contains("[1/10] width-8_[red]", console.Output);
            for (int s = 1; s <= 100; s++) p.Step("width-8_[red]", s, s == 50 ? 0.25 : null);
            p.RunFinished("width-8_[red]", RunStatus.Completed(100, 1.0));
            p.Info("done [ok]");
            return 42;
        });
        Assert.Equal(42, result);
        Assert.Contains("width-8_[red]", console.Output);
        Assert.Contains("done [ok]", console.Output);
    }
}
