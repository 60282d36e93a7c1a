using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A bracket left open before the next line of its block once made YamlDotNet's scanner throw an
/// InvalidOperationException ("Operation is not valid due to the current state of the object.", exit 1). Every
/// command that reads a pipeline file shares the reader: each now says where the bracket is, exit 2, nothing written.
/// </summary>
public sealed class UnclosedBracketCliTests() : InTempFolder("unclosed-bracket-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("validate cap.yaml --profile cpu")]
    [InlineData("run cap.yaml --profile cpu")]
    [InlineData("submit cap.yaml --slurm --profile cpu --dry-run")]
    [InlineData("advise cap.yaml --profile cpu")]
    [InlineData("bench probes cap.yaml --profile cpu")]
    public void The_shipped_pipeline_without_a_closing_brace_is_an_error_at_the_open_one(string command)
    {
        // The cpu profile's `synthetic: {tasks: 8, dims_per_task: 8}` without its '}'.
        var lines = File.ReadAllLines(RepoFiles.Pipeline("synthetic-capacity.yaml"));
        var at = Array.FindIndex(lines, l => l.Trim() == "synthetic: {tasks: 8, dims_per_task: 8}");
        Assert.True(at >= 0, "the cpu profile's synthetic line moved");
        lines[at] = lines[at].TrimEnd('}');
        File.WriteAllLines(Path.Combine(dir, "cap.yaml"), lines);
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, err) = CliProcess.Run(dir, Limit, command.Split(' '));

        Assert.True(exit == 2, output + err);
        var column = lines[at].IndexOf('{') + 1;
        Assert.StartsWith($"error: cap.yaml:{at + 1}:{column}: unclosed '{{': a flow mapping needs ',' between entries and a closing '}}'", err);
        Assert.Contains($"reading stopped at line {at + 2}", err);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order());
    }

    [Theory]
    [InlineData("name: bad\nsynthetic: {tasks: 8\ntrain: 5\n", "b.yaml:2:12: unclosed '{'")]
    [InlineData("name: bad\nsynthetic: [8\ntrain:\n  steps: 5\n", "b.yaml:2:12: unclosed '['")]
    [InlineData("name: bad\nanalysis:\n  tables:\n    - {name: t, sql: SELECT 1\n    - {name: u, sql: SELECT 2}\n", "b.yaml:4:7: unclosed '{'")]
    public void The_reported_files_are_errors_at_their_bracket(string yaml, string expected)
    {
        File.WriteAllText(Path.Combine(dir, "b.yaml"), yaml);

        var (exit, output, err) = CliProcess.Run(dir, Limit, "validate", "b.yaml");

        Assert.True(exit == 2, output + err);
        Assert.StartsWith($"error: {expected}", err);
        Assert.DoesNotContain("current state of the object", err);
    }
}
