using System.Text.RegularExpressions;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// A --resume whose sweep folder holds no runs trains every run from step 0, as a plain run would: said, since it is
/// most often a resume that misses its sweep (the profile left out, or another --artifacts), and naming the folders
/// beside it that hold this pipeline's sweep under another profile, which the user most likely meant.
/// </summary>
static partial class ResumeFromNothing
{
    /// <returns>Null where the folder holds an earlier run to continue.</returns>
    public static string? Note(string sweepDir, LoadedPipeline pipeline)
    {
        var runs = Path.Combine(sweepDir, ArtifactLayout.RunsDir);
        if (Directory.Exists(runs) && Directory.EnumerateDirectories(runs).Any()) return null;
        var note = $"--resume found no earlier runs in {sweepDir}: every run trains from step 0";
        var others = Siblings(sweepDir, pipeline.Spec.Name).ToList();
        return others.Count == 0 ? note
            : note + $"; {string.Join(", ", others.Select(o => $"{o.Dir} ({(o.Profile is null ? "without --profile" : $"--profile {o.Profile}")})"))} " +
              $"hold{(others.Count == 1 ? "s" : "")} this pipeline's runs: resume with {(others.Count == 1 ? "that" : "the")} profile (and --artifacts) to continue them";
    }

    /// <summary>Sweeps beside <paramref name="sweepDir"/> with runs, whose stored pipeline.yaml is named <paramref name="name"/>
    /// (a folder "name-x" may be another pipeline's, "name-x" with no profile), with the profile their folder name gives.</summary>
    static IEnumerable<(string Dir, string? Profile)> Siblings(string sweepDir, string name)
    {
        var full = Path.GetFullPath(sweepDir);
        if (Path.GetDirectoryName(full) is not { } parent || !Directory.Exists(parent)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(parent).Order(StringComparer.Ordinal))
        {
            var folder = Path.GetFileName(dir);
            if (dir == full || folder != name && !folder.StartsWith(name + "-", StringComparison.Ordinal)) continue;
            if (ArtifactLayout.KindOf(dir) != ArtifactLayout.Kind.Sweep || StoredName(dir) != name) continue;
            yield return (Path.Combine(Path.GetDirectoryName(sweepDir) ?? "", folder), folder == name ? null : folder[(name.Length + 1)..]);
        }
    }

    static string? StoredName(string dir)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dir, ArtifactLayout.PipelineFile)).FirstOrDefault();
            return first is null ? null : NameLine().Match(first) is { Success: true } m ? m.Groups[1].Value : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    // The resolved pipeline.yaml this program writes starts with the name, which is letters, digits, '.', '_' and '-'.
    [GeneratedRegex(@"^name: ([A-Za-z0-9._-]+)\s*$")]
    private static partial Regex NameLine();
}
