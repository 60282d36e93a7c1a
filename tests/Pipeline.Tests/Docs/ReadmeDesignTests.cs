using System.Text.RegularExpressions;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Docs;

/// <summary>README "## Design" against the source tree: it names every folder of the library and every run graph, and each
/// source file the README names is there. It had said the library was eight folders (six were missing: Data, Models,
/// Probes, Advice, Cluster, Messages) and that a run's whole graph is assembled in SyntheticRunGraph.cs, true of
/// synthetic runs only.</summary>
public sealed partial class ReadmeDesignTests
{
    static string Root => Path.GetFullPath(Path.Combine(RepoFiles.PipelinesDirectory, ".."));

    static string Design()
    {
        var text = Readme.Load().Text;
        int start = text.IndexOf("\n## Design\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README has no ## Design section");
        int end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return text[start..(end < 0 ? text.Length : end)];
    }

    [Fact]
    public void Design_names_every_folder_of_the_library_and_every_run_graph()
    {
        var design = Design();
        foreach (var folder in Directory.GetDirectories(Path.Combine(Root, "src", "Stages")).Select(Path.GetFileName)
                     .Where(f => f is not ("bin" or "obj")))
            Assert.True(design.Contains($"`{folder}/`", StringComparison.Ordinal), $"## Design does not name src/Stages/{folder}/");
        foreach (var graph in Directory.GetFiles(Path.Combine(Root, "src", "Stages", "Pipeline"), "*RunGraph.cs").Select(Path.GetFileName))
            Assert.True(design.Contains($"`{graph}`", StringComparison.Ordinal), $"## Design does not name {graph}");
    }

    /// <summary>`src/...` from the repository, `Folder/File.cs` from src/Stages (as the README writes them); a * matches.</summary>
    [Fact]
    public void Every_source_file_the_readme_names_exists()
    {
        var named = SourcePath().Matches(Readme.Load().Text).Select(m => m.Groups["path"].Value).Distinct().ToList();
        Assert.Contains("src/Stages/Data/DataStream.cs", named);   // the pattern finds what it is for
        Assert.Contains("Training/AdamOptimizer.cs", named);
        foreach (var path in named)
        {
            var full = Path.Combine(path.StartsWith("src/", StringComparison.Ordinal) ? Root : Path.Combine(Root, "src", "Stages"), path);
            var dir = Path.GetDirectoryName(full)!;
            Assert.True(Directory.Exists(dir) && Directory.GetFiles(dir, Path.GetFileName(full)).Length > 0, $"the README names {path}, which is not there");
        }
    }

    [GeneratedRegex(@"`(?<path>(?:src/)?[A-Z][A-Za-z]*/(?:[A-Za-z]+/)*[A-Za-z*]+\.cs)`")]
    private static partial Regex SourcePath();
}
