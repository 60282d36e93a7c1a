using System.Text.RegularExpressions;
using Retention.Artifacts;
using Retention.Messages;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>
/// Runs the <c>analysis:</c> section of a spec over a sweep's (or a run's) artifacts: each table
/// in order as <c>CREATE OR REPLACE TABLE name AS &lt;sql&gt;</c>, so later tables and plots can
/// use earlier ones, written to <c>analysis/&lt;name&gt;.arrow</c>; then each plot to
/// <c>analysis/&lt;plot&gt;.png</c>. Every file is written atomically as soon as its step succeeds,
/// so a failing step (an <see cref="AnalysisException"/> naming it, and saying where the pipeline file declares it
/// when the pipeline gives that) keeps what came before. Tables and plots
/// of an earlier analysis that this one does not have are first moved to previous/ (left there, a query would
/// still find them as if current), and a failed table moves the earlier analysis's files of the steps it left unwritten there
/// too (<see cref="UnwrittenAfterFailure"/>).
/// </summary>
public static partial class AnalysisRunner
{
    /// <exception cref="ArtifactException">An artifact file cannot be loaded.</exception>
    /// <exception cref="AnalysisException">A table or plot failed; the message names it.</exception>
    /// <param name="pipeline">The sweep's pipeline, for the advice (analysis.advise): exact from its synthetic
    /// spec (per mixture its runs train), or from the runs of an OLMo sweep; and where its analysis steps are declared,
    /// for the failures (when <paramref name="spec"/> is its own analysis).</param>
    /// <param name="note">Told of each .tmp a killed analysis left that this one removes (README: each said in a `note:`), and
    /// of each run table some completed runs of an earlier version lack (<see cref="OlderRunTables.Partial"/>).</param>
    /// <param name="moved">Told where an earlier analysis's outputs were moved (previous/): the lines of <paramref name="log"/>
    /// a user needs when the rest (each table loaded and written) is too much, as `run` after training; null: said in the log.</param>
    public static async Task<IReadOnlyList<AnalysisTableResult>> RunAsync(
        string sweepDir, AnalysisSpec spec, TextWriter? log = null, CancellationToken ct = default, LoadedPipeline? pipeline = null,
        Action<string>? note = null, Action<string>? moved = null)
    {
        RemoveStaleTmp(sweepDir, note);
        moved ??= log is null ? null : log.WriteLine;
        AnalysisOutcome.Begin(sweepDir);
        try
        {
            var results = await RunStepsAsync(sweepDir, spec, log, moved, note, ct, pipeline).ConfigureAwait(false);
            await AnalysisOutcome.RecordAsync(sweepDir, "completed", current: (Names(results), null, null)).ConfigureAwait(false);
            return results;
        }
        catch (Exception e) when (e is AnalysisException or ArtifactException)
        {
            var a = e as AnalysisException;
            // A failed table leaves it and those after it, and the plots, as an earlier analysis wrote them: moved aside, so that
            // analysis/ never mixes two analyses, and the outcome says which tables are this one's.
            var notWritten = a is null ? [] : UnwrittenAfterFailure.Tables(spec, a);
            var movedTo = notWritten.Count > 0 ? UnwrittenAfterFailure.SetAside(sweepDir, spec, notWritten, advises: spec.Advise is not null && pipeline is not null, moved) : null;
            // Said as `analyze` explains it (a table no run has written yet), and where, so `status` reading the outcome says the same.
            await AnalysisOutcome.RecordAsync(sweepDir, "failed", a is not null ? UnwrittenTable.Explain(a, sweepDir) : e.Message,
                a?.DeclaredAt, a?.Parts, (a is null ? null : Names(a.Written), notWritten, movedTo)).ConfigureAwait(false);
            throw;
        }
    }

    private static IReadOnlyList<string> Names(IReadOnlyList<AnalysisTableResult> written) => [.. written.Select(r => r.Name)];

    /// <summary>Removes the .tmp files a killed analysis left in analysis/ (a table or plot half written): one for a step this
    /// analysis does not have would never be written over. The caller holds the sweep, so none is being written now. Each is
    /// said, as probe and advise say theirs: a file that vanishes without a word looks like a lost result. So is the staging
    /// folder a killed `advise` left there: an advice into analysis/ holds the sweep as the caller does, so none is live now,
    /// and an analysis without analysis.advise would otherwise leave it until the next advise.</summary>
    private static void RemoveStaleTmp(string sweepDir, Action<string>? note)
    {
        var folder = Path.Combine(sweepDir, ArtifactLayout.AnalysisDir);
        foreach (var tmp in LeftoverTmp.Remove(folder))
            note?.Invoke($"removed {Path.Combine(folder, tmp)}, which an analysis killed while writing it left half written");
        if (Advice.AdviceReport.RemoveKilledStaging(folder) is { } staging) note?.Invoke(staging);
    }

    /// <summary>Step name → where its SQL is declared. Only the pipeline's own analysis: positions are found by step name,
    /// and another spec's step of the same name is declared elsewhere (a wrong line is worse than none).</summary>
    private static IReadOnlyDictionary<string, SqlDeclaration> DeclaredAt(AnalysisSpec spec, LoadedPipeline? pipeline) =>
        pipeline is not null && ReferenceEquals(spec, pipeline.Spec.Analysis) ? pipeline.AnalysisDeclaredAt : new Dictionary<string, SqlDeclaration>();

    static async Task<IReadOnlyList<AnalysisTableResult>> RunStepsAsync(
        string sweepDir, AnalysisSpec spec, TextWriter? log, Action<string>? moved, Action<string>? note, CancellationToken ct, LoadedPipeline? pipeline)
    {
        if (Pipeline.SweepContract.SetAsideStaleAnalysis(sweepDir, [.. spec.Tables.Select(t => t.Name), .. spec.Plots.Select(p => p.Name)]) is { } stale)
            moved?.Invoke($"outputs of an earlier analysis that this one does not write moved to {stale}");
        // What this analysis writes again is not read: a damaged earlier output must not stop its replacement. Run tables
        // and other outputs still fail the open, naming the file: results over missing runs would be wrong.
        using var catalog = ArtifactCatalog.Open(sweepDir, DamagedTables.Fail, Rewritten(spec, pipeline));
        foreach (var table in catalog.Tables)
            log?.WriteLine($"loaded {table.Name}: {Counted.Of(table.Rows, "row")} from {Counted.Of(table.Files.Count, "file")}");
        if (pipeline is not null) EarlierSweptTypes.Align(catalog.Connection, pipeline.Swept);
        // A table an earlier version's runs did not write, found from the others: joined to it, those runs' rows drop out.
        foreach (var partial in OlderRunTables.Partial(sweepDir, catalog.Tables.Where(t => t.PerRun).Select(t => t.Name)))
            note?.Invoke(partial);

        var outputDir = Path.Combine(catalog.Directory, ArtifactLayout.AnalysisDir);
        var declaredAt = DeclaredAt(spec, pipeline);
        var results = new List<AnalysisTableResult>();
        foreach (var table in spec.Tables)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                results.Add(await RunTableAsync(catalog, table, outputDir, ct).ConfigureAwait(false));
            }
            catch (AnalysisException e)
            {
                throw (declaredAt.GetValueOrDefault(e.Step) is { } at ? e.At(at) : e).After(results);
            }
            log?.WriteLine($"table {table.Name}: {Counted.Of(results[^1].Result.Rows.Count, "row")} -> {results[^1].ArrowPath}");
        }
        // A plot that fails (no rows, say) does not keep the others from being drawn; the first failure is
        // rethrown once they and the advice are done.
        var failed = new List<AnalysisException>();
        foreach (var plot in spec.Plots)
        {
            ct.ThrowIfCancellationRequested();
            var step = AnalysisSteps.Plot(plot.Name);
            string? path = null;
            try
            {
                path = Path.Combine(outputDir, RequireFileName(plot.Name, step) + ".png");
                PlotRenderer.Render(catalog.Connection, plot, path);
                log?.WriteLine($"plot {plot.Name} -> {path}");
            }
            // An overlay's failure is said at the overlay's SQL, else (not known) at its plot's, whose lines are not the overlay's.
            catch (AnalysisException e)
            {
                failed.Add(declaredAt.GetValueOrDefault(e.Step) is { } at ? e.At(at) : e.At(declaredAt.GetValueOrDefault(step)?.ToString()));
                // The earlier analysis's drawing would sit beside this one's tables as if it were theirs.
                if (path is not null && File.Exists(path) && Pipeline.SweepContract.SetAsideAnalysisFiles(sweepDir, [path]) is { } kept)
                    moved?.Invoke($"plot {plot.Name}: the earlier analysis's {Path.GetFileName(path)} moved to {kept}");
            }
        }
        if (spec.Advise is { } advise && pipeline is not null)
        {
            var advice = pipeline.Spec.Experiment == "olmo"
                ? await Advice.AdviceReport.EmpiricalAsync(Advice.AdviceReport.Outcomes(catalog), catalog.Directory, outputDir, advise.TargetAccuracy,
                    advise.Size > 0 ? advise.Size : null, advise.Frequency > 0 ? advise.Frequency : null, advise.Kind).ConfigureAwait(false)
                : await Advice.AdviceReport.SyntheticAsync(pipeline.Spec, pipeline.Runs, outputDir).ConfigureAwait(false);
            foreach (var (name, table) in advice.Tables)
                results.Add(new AnalysisTableResult(name, table, Path.Combine(outputDir, name + ".arrow"), Print: true));
            log?.WriteLine($"advice -> {outputDir}");
        }
        if (failed.Count == 1) throw failed[0].After(results);
        if (failed.Count > 1)
            throw AnalysisException.Combined($"{failed.Count} plots", failed, Written(spec, failed.Count)).After(results);
        return results;
    }

    /// <summary>" (the other plots and the tables were written)", naming only what there was to write: with every plot
    /// failed there are no others, and a pipeline may have no tables.</summary>
    private static string Written(AnalysisSpec spec, int failedPlots)
    {
        var others = spec.Plots.Count > failedPlots ? "the other plots" : null;
        var tables = spec.Tables.Count switch { 0 => null, 1 => "the table", _ => "the tables" };
        return (others, tables) switch
        {
            (null, null) => "",
            (null, "the table") => " (the table was written)",
            _ => $" ({string.Join(" and ", new[] { others, tables }.OfType<string>())} were written)",
        };
    }

    /// <summary>The analysis/ tables this analysis writes again: its own tables, and the advice's when it advises (the
    /// advice is computed from the runs, never from the earlier advice). What it does not write (another analysis's
    /// tables were moved aside, `pipeline advise`'s advice of another kind) is read, and a damaged one is an error.</summary>
    private static IReadOnlyList<string> Rewritten(AnalysisSpec spec, LoadedPipeline? pipeline) =>
        [.. spec.Tables.Select(t => t.Name),
         .. spec.Advise is not null && pipeline is not null ? Advice.AdviceReport.TablesOf(pipeline.Spec.Experiment) : []];

    private static async Task<AnalysisTableResult> RunTableAsync(
        ArtifactCatalog catalog, AnalysisTableSpec table, string outputDir, CancellationToken ct)
    {
        var step = AnalysisSteps.Table(table.Name);
        var name = RequireFileName(table.Name, step);
        if (catalog.Tables.Any(t => t.PerRun && t.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
            throw new AnalysisException(step, "the name is taken by a run artifact table, which it would replace");

        var quoted = SqlIdentifiers.Quote(name);
        SqlRunner.CreateTable(catalog.Connection, name, table.Sql, step);
        var result = SqlRunner.Query(catalog.Connection, $"SELECT * FROM {quoted}", step);

        var path = Path.Combine(outputDir, name + ".arrow");
        try
        {
            await result.WriteArrowAsync(path, ct).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new AnalysisException(step, $"cannot write {path}: {ex.Message}", ex);
        }
        return new AnalysisTableResult(name, result, path, table.Print);
    }

    /// <summary>Names become file names (and table names), so they must not leave analysis/ or need quoting.</summary>
    private static string RequireFileName(string name, string step) =>
        SafeName().IsMatch(name)
            ? name
            : throw new AnalysisException(step, "names must be letters, digits and underscores, not starting with a digit");

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex SafeName();
}
