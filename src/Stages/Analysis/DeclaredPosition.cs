using System.Text.RegularExpressions;

namespace Retention.Analysis;

/// <summary>
/// A failed step's "file:line:column" (<see cref="AnalysisException.DeclaredAt"/>) as the sweep's outcome keeps it and
/// `status` shows it: kept with an absolute file (the run's own is relative to the folder it ran in), shown relative to
/// the folder `status` runs in where the file lies under it (as `run` said it, run from there), else absolute.
/// </summary>
public static partial class DeclaredPosition
{
    /// <summary>The position with its file made absolute against the current folder; null for null.</summary>
    public static string? Absolute(string? declaredAt) =>
        declaredAt is not null && Parts().Match(declaredAt) is { Success: true } m
            ? $"{Path.GetFullPath(m.Groups[1].Value)}:{m.Groups[2].Value}:{m.Groups[3].Value}"
            : declaredAt;

    /// <summary>The kept position as the current folder reads it.</summary>
    public static string Shown(string absolute)
    {
        if (Parts().Match(absolute) is not { Success: true } m) return absolute;
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), m.Groups[1].Value);
        var file = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? m.Groups[1].Value : relative;
        return $"{file}:{m.Groups[2].Value}:{m.Groups[3].Value}";
    }

    [GeneratedRegex(@"^(.+):(\d+):(\d+)$")]
    private static partial Regex Parts();
}
