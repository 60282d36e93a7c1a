using System.Text.RegularExpressions;
using Retention.Tests.Host;

namespace Retention.Tests.Docs;

/// <summary>The README quotes the error an unknown profile of the built-in default gives, with its position in the embedded
/// file (`&lt;built-in synthetic-capacity.yaml&gt;:36:1`): the quote is what `pipeline validate --profile gpuu` prints, so a line
/// added above the file's profiles: (which moves the position) fails here until the README says the new one.</summary>
public sealed class ReadmeBuiltInDefaultErrorTests() : InTempFolder("readme-built-in-")
{
    [Fact]
    public void The_readmes_built_in_default_error_is_what_validate_prints()
    {
        // The quote runs to its "..." (the suggestion after it is left out), over a line break of the README.
        var quoted = Regex.Match(Readme.Load().Text, @"`(error: <built-in synthetic-capacity\.yaml>:\d+:\d+:[^`]*?) \.\.\.`");
        Assert.True(quoted.Success, "README.md quotes no error of the built-in default (`error: <built-in synthetic-capacity.yaml>:LINE:COL: ... ...`)");
        var quote = Regex.Replace(quoted.Groups[1].Value, @"\s+", " ");
        Assert.Contains("unknown profile 'gpuu'", quote);   // the profile the command below gives

        var (exit, output, err) = CliProcess.Run(dir, TimeSpan.FromMinutes(1), "validate", "--profile", "gpuu");
        Assert.True(exit == 2, output + err);
        var printed = err.ReplaceLineEndings("\n").Split('\n')[0];
        Assert.StartsWith(quote, printed);
    }
}
