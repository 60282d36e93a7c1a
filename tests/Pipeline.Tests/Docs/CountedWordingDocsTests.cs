using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Docs;

/// <summary>
/// Counts are said through Counted.Of ("1 run", "2 runs"); doc comments that quote a message still said "2 run(s)", "3
/// data-quality issue(s)", "10 shard file(s)", which the program no longer prints. A quoted count with "(s)" in a comment of
/// the source or in README.md is one of those (URLs' http(s) aside).
/// </summary>
public class CountedWordingDocsTests
{
    static string Root => Path.GetFullPath(Path.Combine(RepoFiles.PipelinesDirectory, ".."));

    // A number, then words ending in "(s)": what Counted.Of replaced ("2 run(s)", "3 data-quality issue(s)").
    static readonly Regex OldPlural = new(@"\d[\d,]*\s+[\w-]+(\s+[\w-]+)?\(s\)", RegexOptions.Compiled);

    [Fact]
    public void No_comment_nor_readme_quotes_a_count_in_the_old_plural_wording()
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
                if (lines[i].TrimStart().StartsWith("//", StringComparison.Ordinal) && OldPlural.IsMatch(lines[i]))
                    found.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {lines[i].Trim()}");
        }
        var readme = File.ReadAllLines(Path.Combine(Root, "README.md"));
        for (int i = 0; i < readme.Length; i++)
            if (OldPlural.IsMatch(readme[i])) found.Add($"README.md:{i + 1}: {readme[i].Trim()}");
        Assert.True(found.Count == 0, string.Join("\n", found));
    }
}
