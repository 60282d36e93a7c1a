using System.Text.RegularExpressions;

namespace Retention.Cluster;

/// <summary>
/// What a task's log says of its latest attempt. Every attempt of a task writes to the same log (--open-mode=append, so
/// a requeue keeps what the attempts before it said), each starting with the array script's line "pipeline task 0 of
/// job 7 on node3 at 2026-12-01T10:00:00Z, attempt 2" (<see cref="SlurmScripts.Array"/>): the lines after the last such
/// line are the latest attempt's own. A line of an earlier attempt says nothing true of the one running now.
/// </summary>
/// <param name="Attempt">The latest attempt that wrote its first line, or null where the log holds none (no log yet, or one
/// not written by the array script).</param>
/// <param name="LastLine">The last non-empty line after that first line (null when that attempt wrote nothing more); where
/// the log has no first line (an analysis job's), its last non-empty line. Trimmed.</param>
public sealed partial record TaskLog(int? Attempt, string? LastLine)
{
    /// <param name="which">The lines <see cref="LastLine"/> may be (default: any): a task's failure is said with its latest
    /// attempt's last error, since an earlier attempt's says nothing of how this one ended.</param>
    public static TaskLog Read(string? path, Func<string, bool>? which = null)
    {
        if (path is null || !File.Exists(path)) return new(null, null);
        try
        {
            int? attempt = null;
            string? last = null;
            foreach (var line in File.ReadLines(path).Select(l => l.Trim()).Where(l => l.Length > 0))
                if (AttemptLine().Match(line) is { Success: true } m && int.TryParse(m.Groups[1].Value, out var n)) (attempt, last) = (n, null);
                else if (which?.Invoke(line) ?? true) last = line;
            return new(attempt, last);
        }
        catch (IOException) { return new(null, null); }
    }

    /// <summary>The array script's first line of an attempt (its echo), with the attempt's number.</summary>
    [GeneratedRegex(@"^pipeline task \d+ of job \d+ on \S+ at \S+, attempt (\d+)$")]
    private static partial Regex AttemptLine();
}
