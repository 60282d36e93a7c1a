using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;
using Retention.Host;

namespace Retention.Tests.Docs;

/// <summary>
/// "Docs for every knob", for the command line: the README's synopsis ("## The CLI") has a line for every command
/// and subcommand of the real command tree (<see cref="Cli.Build"/>), and that line names every option of that
/// command by its long form; every option says what it does in --help. Hidden commands (`task`, which the job
/// scripts of `submit` run) are not for users and are left out.
/// </summary>
public class ReadmeCliTests
{
    static IEnumerable<(string Path, Command Command)> Commands(Command parent, string at)
    {
        foreach (var c in parent.Subcommands.Where(c => !c.Hidden))
        {
            var path = at.Length == 0 ? c.Name : $"{at} {c.Name}";
            yield return (path, c);
            foreach (var inner in Commands(c, path)) yield return inner;
        }
    }

    static IEnumerable<Option> OptionsOf(Command c) => c.Options.Where(o => !o.Hidden && o is not HelpOption and not VersionOption);

    static readonly IReadOnlyList<(string Path, Command Command)> All = Commands(Cli.Build(), "").ToList();

    /// <summary>The synopsis lines of a command: `pipeline PATH` and then a space or the end (so `data` is not `data sample`'s).</summary>
    static List<string> LinesOf(string path, IEnumerable<string> synopsis) =>
        synopsis.Where(l => l == $"pipeline {path}" || l.StartsWith($"pipeline {path} ", StringComparison.Ordinal)).ToList();

    [Fact]
    public void Every_command_and_option_is_in_the_readme_synopsis()
    {
        var readme = Readme.Load();
        Assert.NotEmpty(readme.CliLines);
        var missing = new List<string>();
        foreach (var (path, command) in All)
        {
            var lines = LinesOf(path, readme.CliLines);
            if (lines.Count == 0) { missing.Add($"pipeline {path}"); continue; }
            // A group (bench, data) has no options of its own; its subcommands' lines carry theirs.
            foreach (var option in OptionsOf(command))
                if (!lines.Any(l => Regex.IsMatch(l, $@"(?<![\w-]){Regex.Escape(option.Name)}(?![\w-])")))
                    missing.Add($"pipeline {path} {option.Name}");
        }
        Assert.True(missing.Count == 0, $"README.md's CLI synopsis lacks: {string.Join("; ", missing)}");
    }

    [Fact]
    public void Every_command_and_option_has_a_description()
    {
        var bare = All.Where(c => string.IsNullOrWhiteSpace(c.Command.Description)).Select(c => $"pipeline {c.Path}")
            .Concat(All.SelectMany(c => OptionsOf(c.Command).Where(o => string.IsNullOrWhiteSpace(o.Description)).Select(o => $"pipeline {c.Path} {o.Name}")))
            .ToList();
        Assert.True(bare.Count == 0, $"without a --help description: {string.Join("; ", bare)}");
    }

    [Fact]
    public void The_walk_reaches_nested_commands_and_their_options()
    {
        // Independent of the README: the tree has the commands the README's first lines promise, two levels deep.
        Assert.Contains(All, c => c.Path == "bench synthetic" && OptionsOf(c.Command).Any(o => o.Name == "--widths"));
        Assert.Contains(All, c => c.Path == "data sample" && OptionsOf(c.Command).Any(o => o.Name == "--docs"));
        Assert.DoesNotContain(All, c => c.Path == "task");
        Assert.Empty(LinesOf("data", ["pipeline datas x", "pipeline bench data --source S"]));
        Assert.Single(LinesOf("data", ["pipeline data sample --docs N"]));
    }
}
