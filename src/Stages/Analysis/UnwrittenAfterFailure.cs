using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>
/// What an analysis that failed at a table did not write: that table and the ones after it, every plot (plots are drawn
/// after the tables), and its advice (computed last). An earlier analysis's files of them are moved to previous/&lt;time&gt;/analysis/, as a failed plot's
/// earlier drawing is: left in analysis/, they would sit beside this analysis's tables and a query would read them as current.
/// </summary>
static class UnwrittenAfterFailure
{
    /// <summary>The tables of <paramref name="spec"/> not written because <paramref name="e"/> failed at one of them, in
    /// order (the failed one first); empty where the failure was not at a table (a plot: the tables were all written).</summary>
    public static IReadOnlyList<string> Tables(AnalysisSpec spec, AnalysisException e)
    {
        int at = spec.Tables.ToList().FindIndex(t => AnalysisSteps.Table(t.Name) == e.Step);
        return at < 0 ? [] : [.. spec.Tables.Skip(at).Select(t => t.Name)];
    }

    /// <summary>Moves the earlier analysis's files of <paramref name="tables"/> and of the spec's plots out of analysis/, and,
    /// where the analysis advises (<paramref name="advises"/>: analysis.advise, whose advice replaces any in analysis/, so
    /// those files are its own), the advice's tables and plot, computed after the plots; the `advise` command's advice in an
    /// analysis that does not advise is not the analysis's, and stays. Returns where, or null when there were none or they
    /// could not be moved (a full disk has no room for the folder: the failure already said so, and a second error would hide it).</summary>
    public static string? SetAside(string sweepDir, AnalysisSpec spec, IReadOnlyList<string> tables, bool advises, Action<string>? told)
    {
        var folder = Path.Combine(sweepDir, ArtifactLayout.AnalysisDir);
        var files = tables.Select(t => Path.Combine(folder, t + ".arrow"))
            .Concat(spec.Plots.Select(p => Path.Combine(folder, p.Name + ".png")))
            .Concat(advises ? Advice.AdviceReport.Files.Select(f => Path.Combine(folder, f)) : [])
            .Where(f => Path.GetDirectoryName(Path.GetFullPath(f)) == Path.GetFullPath(folder) && File.Exists(f)).ToList();   // a name with a path in it is no file of analysis/
        try
        {
            var moved = Pipeline.SweepContract.SetAsideAnalysisFiles(sweepDir, files);
            if (moved is not null)
                told?.Invoke($"the earlier analysis's {string.Join(", ", files.Select(Path.GetFileName))}, which this one did not write, moved to {moved}");
            return moved;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            told?.Invoke($"the earlier analysis's {string.Join(", ", files.Select(Path.GetFileName))} could not be moved to previous/: {ex.Message}");
            return null;
        }
    }
}
