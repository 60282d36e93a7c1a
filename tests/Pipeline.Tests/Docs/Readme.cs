using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Docs;

/// <summary>One key line of a ```yaml block of the README: its path from the block's root (list items add no
/// segment) and the text it governs: the rest of its own line (value and comment) and every line indented under it.</summary>
sealed record YamlScope(IReadOnlyList<string> Path, string Text);

/// <summary>README.md as the knob tests read it: the whole text, its YAML reference blocks as key scopes,
/// and the command synopsis of "## The CLI".</summary>
sealed partial class Readme
{
    public string Text { get; }
    public IReadOnlyList<YamlScope> Scopes { get; }
    /// <summary>The lines of the CLI section's first code block (`pipeline run [FILE] ...`); empty without that section.</summary>
    public IReadOnlyList<string> CliLines { get; }

    Readme(string text)
    {
        Text = text;
        var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Scopes = YamlBlocks(lines).SelectMany(Keys).ToList();
        CliLines = CliBlock(lines);
    }

    public static Readme Load() => new(File.ReadAllText(Path.Combine(RepoFiles.PipelinesDirectory, "..", "README.md")));

    /// <summary>Markdown given as text (for testing the rules themselves).</summary>
    public static Readme Parse(string markdown) => new(markdown);

    /// <summary>A word as the README spells a key: not part of a longer snake_case name.</summary>
    public static bool HasWord(string text, string word) =>
        Regex.IsMatch(text, $"(?<![A-Za-z0-9_]){Regex.Escape(word)}(?![A-Za-z0-9_])");

    static IEnumerable<string[]> YamlBlocks(string[] lines)
    {
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Trim() != "```yaml") continue;
            int end = i + 1;
            while (end < lines.Length && lines[end].Trim() != "```") end++;
            yield return lines[(i + 1)..end];
            i = end;
        }
    }

    /// <summary>The key lines of one block, by indentation. A commented-out key (`# seed: N`, an optional key shown
    /// unset) counts as a key line; `- key:` starts a list item whose keys sit two columns in.</summary>
    static IEnumerable<YamlScope> Keys(string[] block)
    {
        var stack = new List<(int Indent, string Key)>();
        for (int i = 0; i < block.Length; i++)
        {
            var m = KeyLine().Match(block[i]);
            if (!m.Success) continue;
            int indent = m.Groups["indent"].Length + (m.Groups["item"].Success ? m.Groups["item"].Length : 0);
            stack.RemoveAll(s => s.Indent >= indent);
            stack.Add((indent, m.Groups["key"].Value));
            var text = new List<string> { block[i][(m.Index + m.Length)..] };
            for (int j = i + 1; j < block.Length; j++)
            {
                if (block[j].Trim().Length == 0) continue;
                if (block[j].Length - block[j].TrimStart().Length <= indent) break;
                text.Add(block[j]);
            }
            yield return new YamlScope(stack.Select(s => s.Key).ToList(), string.Join("\n", text));
        }
    }

    static string[] CliBlock(string[] lines)
    {
        int heading = Array.FindIndex(lines, l => l.Trim() == "## The CLI");
        int start = heading < 0 ? -1 : Array.FindIndex(lines, heading, l => l.StartsWith("```", StringComparison.Ordinal));
        int end = start < 0 ? -1 : Array.FindIndex(lines, start + 1, l => l.StartsWith("```", StringComparison.Ordinal));
        return end < 0 ? [] : lines[(start + 1)..end];
    }

    [GeneratedRegex(@"^(?<indent> *)(?<item>- +)?(?:# *)?(?<key>[a-z_][a-z0-9_]*):(?= |$)")]
    private static partial Regex KeyLine();
}
