using Retention.Messages;
using Retention.Pipeline;

namespace Retention.Analysis;

/// <summary>
/// Why each of several sweeps (a folder of sweeps queried) has not written a table its analysis writes: each sweep's own
/// reason, as its records tell it where the sweep itself is queried (<see cref="UnwrittenTable"/>), rather than one wording
/// true of all. One line per reason, naming its sweeps; the first few lines and the rest counted, so many sweeps stay readable.
/// </summary>
static class UnwrittenInSweeps
{
    const int MostLines = 4;

    /// <summary>The lines, each "\n  " and then the sweeps and their reason.</summary>
    /// <param name="sweeps">The sweeps lacking the table, in the folder's order.</param>
    public static string Lines(IReadOnlyList<string> sweeps)
    {
        // Said of SWEEP, a reason is the same text for sweeps in the same state (GroupBy keeps the order sweeps come in).
        var groups = sweeps.GroupBy(sweep => UnwrittenTable.Why(sweep, "SWEEP")).ToList();
        var shown = groups.Count > MostLines ? groups.Take(MostLines - 1).ToList() : groups;
        var lines = shown.Select(g => g.Count() == 1
            ? $"{ShellWords.Quote(g.First())}: {UnwrittenTable.Why(g.First(), ShellWords.Quote(g.First()))}"   // its own paths, to copy
            : $"{Listing.FirstFew(g.Select(ShellWords.Quote))}: {g.Key}").ToList();
        var rest = groups.Skip(shown.Count).SelectMany(g => g).ToList();
        if (rest.Count > 0)
            lines.Add($"and {Counted.Of(rest.Count, "more sweep")}: {Listing.FirstFew(rest.Select(ShellWords.Quote))} " +
                "(`pipeline status SWEEP` says where each stands)");
        return string.Concat(lines.Select(line => "\n  " + line));
    }
}
