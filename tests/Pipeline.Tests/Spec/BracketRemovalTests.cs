using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Spec;

/// <summary>
/// A little fuzzing of the YAML reader: every shipped pipeline with each of its flow brackets removed in turn. Whatever
/// the scanner makes of it, the load must end in a SpecException whose errors are located and in words (exit 2), never
/// in an exception of the YAML library (once an InvalidOperationException, exit 1, for a bracket left open before a
/// less indented line); a removed closing bracket is reported at the bracket it leaves open.
/// </summary>
public class BracketRemovalTests
{
    /// <summary>A bracket that is YAML syntax (not in a comment, a quoted string or a block scalar).</summary>
    sealed record Bracket(int Index, char Char, int Line, int Column);

    public static TheoryData<string> Pipelines()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepoFiles.PipelinesDirectory, "*.yaml").Order(StringComparer.Ordinal)) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Pipelines))]
    public void Each_bracket_removed_is_a_located_error(string name)
    {
        var text = File.ReadAllText(RepoFiles.Pipeline(name));
        var (brackets, balanced) = Scan(text);
        Assert.Null(balanced);
        Assert.NotEmpty(brackets);
        SpecLoader.LoadText(text, name, checkAnalysis: false, checkResources: false, checkOtherProfiles: true);   // the file itself loads, every profile

        foreach (var removed in brackets)
        {
            var broken = text.Remove(removed.Index, 1);
            var what = $"{name} without the '{removed.Char}' at {removed.Line}:{removed.Column}";
            Exception? thrown = null;
            try { SpecLoader.LoadText(broken, name, checkAnalysis: false, checkResources: false, checkOtherProfiles: true); }
            catch (Exception e) { thrown = e; }

            var spec = thrown as SpecException ?? throw new Xunit.Sdk.XunitException($"{what}: {thrown?.ToString() ?? "loads"}");
            Assert.All(spec.Errors, e =>
            {
                Assert.True(e.Line > 0 && e.Column > 0, $"{what}: unlocated error {e}");
                Assert.DoesNotContain("current state of the object", e.Message);
                Assert.DoesNotContain("Exception", e.Message);
            });
            // A closing bracket removed leaves the bracket it closed open (or, of '}}', the outer one): the error is there.
            if (removed.Char is '}' or ']' && Scan(broken).Unclosed is { } open)
                Assert.True(spec.Errors.Any(e => (e.Line, e.Column) == (open.Line, open.Column) && e.Message.StartsWith($"unclosed '{open.Char}'", StringComparison.Ordinal)),
                    $"{what}: expected \"unclosed '{open.Char}'\" at {open.Line}:{open.Column}, got:\n{spec.Message}");
        }
    }

    [Fact]
    public void A_stored_run_spec_with_a_bracket_left_open_is_unreadable_data_for_the_resume_not_a_crash()
    {
        // The resume and advise compare run.yaml files key by key; their callers turn InvalidDataException into "not a readable run spec".
        var good = "name: a\ntrain: {steps: 5}\nseed: 1\n";
        var e = Assert.Throws<InvalidDataException>(() => Retention.Pipeline.SweepContract.ChangedKeys("name: a\ntrain: {steps: 5\nseed: 1\n", good));
        Assert.Contains("run.yaml:2:8: unclosed '{'", e.Message);
        Assert.Equal(["train.steps: 5 → 6"], Retention.Pipeline.SweepContract.DifferingKeys(good, good.Replace("steps: 5", "steps: 6")));
    }

    [Fact]
    public void The_bracket_scan_finds_the_flow_brackets_only_and_the_one_left_open()
    {
        var (found, unclosed) = Scan("a: {b: [1, 2]}  # not [these]\nc: '[x]'\nd: |\n  SELECT [y]\ne: \"{z}\"\n");
        Assert.Equal(new[] { ('{', 1, 4), ('[', 1, 8), (']', 1, 13), ('}', 1, 14) }, found.Select(b => (b.Char, b.Line, b.Column)));
        Assert.Null(unclosed);
        Assert.Equal(('[', 1, 8), Scan("a: {b: [1, 2}\n").Unclosed is { } u ? (u.Char, u.Line, u.Column) : default);
        Assert.Equal(('{', 1, 4), Scan("a: {b: [1, 2]\nc: 1\n").Unclosed is { } v ? (v.Char, v.Line, v.Column) : default);
    }

    /// <summary>
    /// The flow brackets of <paramref name="text"/>, found line by line: text after a comment's '#', inside quotes and in
    /// a block scalar's lines (after `key: |`) is skipped. Unclosed: the innermost bracket open at the first closing
    /// bracket of the other kind, or at the end. Written for the shipped files (quoted strings on one line, no brackets
    /// inside plain scalars), independently of the reader under test.
    /// </summary>
    static (List<Bracket> Brackets, Bracket? Unclosed) Scan(string text)
    {
        var found = new List<Bracket>();
        var open = new Stack<Bracket>();
        Bracket? unclosed = null;
        int offset = 0, blockIndent = -1;
        var lines = text.Split('\n');
        for (int n = 0; n < lines.Length; offset += lines[n].Length + 1, n++)
        {
            var line = lines[n];
            var indent = line.Length - line.TrimStart(' ').Length;
            if (blockIndent >= 0 && (line.Trim().Length == 0 || indent > blockIndent)) continue;   // a block scalar's text
            blockIndent = -1;
            char quote = '\0';
            for (int i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (quote != '\0') { if (c == quote) quote = '\0'; continue; }
                if (c is '\'' or '"') quote = c;
                else if (c == '#' && (i == 0 || line[i - 1] == ' ')) break;
                else if (c is '{' or '[' or '}' or ']')
                {
                    var bracket = new Bracket(offset + i, c, n + 1, i + 1);
                    found.Add(bracket);
                    if (c is '{' or '[') open.Push(bracket);
                    else if (open.TryPeek(out var top) && top.Char == (c == '}' ? '{' : '[')) open.Pop();
                    else unclosed ??= open.TryPeek(out var innermost) ? innermost : null;
                }
            }
            var content = line.Split(" #")[0].TrimEnd();
            if (System.Text.RegularExpressions.Regex.IsMatch(content, @"(:|^\s*-)\s+[|>][-+]?$")) blockIndent = indent;
        }
        return (found, unclosed ?? (open.TryPeek(out var last) ? last : null));
    }
}
