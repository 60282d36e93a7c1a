using Retention.Artifacts;

namespace Retention.Host.Commands;

/// <summary>`query --output` naming a file the query reads as a table (a run's metrics.arrow, an analysis table, a bench
/// record): it was replaced by the result without a word, the run's rows lost for good.</summary>
public static class OutputOverTable
{
    /// <summary>Why <paramref name="output"/> may not be written: it is the file of a table the query of
    /// <paramref name="queried"/> reads (one left out as damaged too: every file is listed, not only those loaded); null
    /// when it is none of them.</summary>
    public static string? Problem(string output, string queried)
    {
        var full = Path.GetFullPath(output);
        var comparison = OperatingSystem.IsLinux() ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        var table = ArtifactLayout.Discover(queried).FirstOrDefault(f => string.Equals(Path.GetFullPath(f.Path), full, comparison))?.Table;
        return table is null ? null
            : $"--output {output} is a file of table '{table}', which this query reads: writing the result there would replace " +
              $"its rows for good; name another file, e.g. {Path.GetFileNameWithoutExtension(full)}-result{Path.GetExtension(full)} " +
              "in the current folder (nothing was run)";
    }
}
