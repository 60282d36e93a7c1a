using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Advice;

/// <summary>What `pipeline advise` and the analysis kind `advise:` write: Arrow tables (and a plot) in a folder.</summary>
public sealed record AdviceResult(string Directory, IReadOnlyList<(string Name, QueryResult Table)> Tables)
{
    /// <summary>What the reader should know about the advice's inputs (runs of other settings pooled: <see cref="AdvicePooling"/>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>Reads sweeps for the empirical advisor, runs either advisor and writes its tables and plot.</summary>
public static class AdviceReport
{
    /// <summary>The advice's table names (its files in the output folder are these, .arrow).</summary>
    static class Names
    {
        public const string Widths = "advice_widths", Frequencies = "advice_frequencies";
        public const string Boundaries = "advice_boundaries", Factors = "advice_factors", Levers = "advice_levers";
    }

    /// <summary>The tables an advice over a sweep of <paramref name="experiment"/> writes in its folder, or removes there
    /// (advice_levers, when it has no levers): what an analysis that advises replaces.</summary>
    public static IReadOnlyList<string> TablesOf(string experiment) =>
        experiment == "olmo" ? [Names.Boundaries, Names.Factors, Names.Levers] : [Names.Widths, Names.Frequencies, Names.Levers];

    /// <summary>Every file an advice writes in its folder, of either kind (staged in <see cref="StagingDir"/> until the set is in
    /// place; under .tmp in the folder itself by earlier versions, whose leftovers the next advise removes).</summary>
    public static readonly IReadOnlyList<string> Files =
        [.. new[] { Names.Widths, Names.Frequencies, Names.Boundaries, Names.Factors, Names.Levers }.Select(n => n + ".arrow"), Plot + ".png"];

    const string Plot = "advice";

    /// <summary>How every advice file's name begins: a file of analysis/ named so is the advice's, not the analysis section's
    /// (<c>analyze</c> leaves it when it sets stale tables aside, <c>status</c> does not take it for a table). So no analysis table
    /// or plot may be named so, ignoring case as DuckDB's table names and macOS's file names do (<see cref="IsAdviceName"/>).</summary>
    public const string NamePrefix = "advice";

    /// <summary>Whether a file of analysis/ with this name (without its extension) is, or could be, the advice's.</summary>
    public static bool IsAdviceName(string stem) => stem.StartsWith(NamePrefix, StringComparison.OrdinalIgnoreCase);

    static readonly RecordBatchBuilder<WidthAdvice> WidthTable = new RecordBatchBuilder<WidthAdvice>()
        .Utf8("mixture", r => r.Mixture).Int32("width", r => r.Width).Float64("min_rare_frequency", r => r.MinRareFrequency).Int32("frequent_features", r => r.FrequentFeatures);
    static readonly RecordBatchBuilder<FrequencyAdvice> FrequencyTable = new RecordBatchBuilder<FrequencyAdvice>()
        .Utf8("mixture", r => r.Mixture).Float64("rare_frequency", r => r.RareFrequency).Int32("min_width", r => r.MinWidth);
    static readonly RecordBatchBuilder<Boundary> BoundaryTable = new RecordBatchBuilder<Boundary>()
        .Utf8("kind", r => r.Kind).Int64("parameters", r => r.Parameters).Int32("seeds", r => r.Seeds).Int32("frequencies", r => r.Frequencies)
        .Float64("rarest_learned_tested", r => r.RarestLearnedTested).Float64("boundary_frequency", r => r.BoundaryFrequency)
        .Float64("low", r => r.Low).Float64("high", r => r.High).Utf8("status", r => r.Status);
    static readonly RecordBatchBuilder<SizeFactor> FactorTable = new RecordBatchBuilder<SizeFactor>()
        .Utf8("kind", r => r.Kind).Int64("smaller", r => r.Smaller).Int64("larger", r => r.Larger).Float64("factor", r => r.Factor)
        .Float64("low", r => r.Low).Float64("high", r => r.High).Utf8("status", r => r.Status);
    static readonly RecordBatchBuilder<LeverAdvice> LeverTable = new RecordBatchBuilder<LeverAdvice>()
        .Utf8("kind", r => r.Kind).Int64("parameters", r => r.Parameters).Float64("frequency", r => r.Frequency)
        .Float64("frequency_needed", r => r.FrequencyNeeded).Float64("extra_instances", r => r.ExtraInstances)
        .Int64("larger_size", r => r.LargerSize).Float64("extra_flops", r => r.ExtraFlops).Utf8("advice", r => r.Advice);

    /// <summary>Every run's final test accuracy per task in an OLMo sweep (task_metrics, model and tasks tables).</summary>
    public static IReadOnlyList<TaskOutcome> Outcomes(string sweepDir)
    {
        using var catalog = ArtifactCatalog.Open(sweepDir);
        return Outcomes(catalog);
    }

    /// <summary>The same from a catalog already open (the analysis of a sweep has one).</summary>
    public static IReadOnlyList<TaskOutcome> Outcomes(ArtifactCatalog catalog)
    {
        foreach (var needed in new[] { "task_metrics", "model", "tasks" })
            if (!catalog.Tables.Any(t => t.Name == needed))
                throw new ArtifactException(catalog.Directory, UnadvisableSweep.Why(catalog.Directory, needed));
        var rows = SqlRunner.Query(catalog.Connection, """
            WITH last AS (SELECT run, max(step) AS step FROM task_metrics GROUP BY run)
            SELECT k.kind, k.frequency, m.parameters, m.seed, t.label_accuracy, (m.seq_len * m.batch_size * m.steps)::DOUBLE AS tokens, t.run
            FROM task_metrics t JOIN last USING (run, step) JOIN model m USING (run) JOIN tasks k ON k.run = t.run AND k.task = t.task
            WHERE t.split = 'test'
            """, "advice: reading the sweep").Rows;
        return [.. rows.Select(r => new TaskOutcome((string)r[0]!, Convert.ToDouble(r[1]), Convert.ToInt64(r[2]), Convert.ToInt32(r[3]),
            Convert.ToDouble(r[4]), Convert.ToDouble(r[5])) { Run = ArtifactLayout.RunDir(catalog.Directory, Convert.ToString(r[6])!) })];
    }

    /// <summary>The synthetic advice of a pipeline with a rare task: per width and per frequency, plus a plot; one set of
    /// rows per distinct mixture its runs train (a sweep of frequency_exponent, tasks, the spectrum, rare.lambda...),
    /// labelled in the mixture column with the swept values (see <see cref="SyntheticAdvisor.Mixtures"/>).</summary>
    public static async Task<AdviceResult> SyntheticAsync(PipelineSpec spec, IReadOnlyList<RunPlan> runs, string outputDir)
    {
        var rare = spec.Synthetic.Rare ?? throw new ArgumentException("synthetic advice needs a synthetic.rare task (the task to advise on)");
        var mixtures = SyntheticAdvisor.Mixtures(spec, runs);
        var widths = new List<WidthAdvice>();
        var frequencies = new List<FrequencyAdvice>();
        foreach (var m in mixtures)
        {
            int features = Retention.Theory.CriticalWidth.FrequentEigenvalues(Retention.Synthetic.TaskMixture.From(m.Spec with { Rare = null }, m.Seed)).Length;
            widths.AddRange(SyntheticAdvisor.MinFrequencies(m.Spec, m.Seed, Enumerable.Range(1, features + 1)).Select(w => w with { Mixture = m.Label }));
            frequencies.AddRange(SyntheticAdvisor.MinWidths(m.Spec, m.Seed, SyntheticAdvisor.FrequencyGrid(rare.Frequency)).Select(f => f with { Mixture = m.Label }));
        }
        return await WriteAsync(outputDir, [
            (Names.Widths, path => ArrowFiles.WriteTableAsync(path, WidthTable, widths)),
            (Names.Frequencies, path => ArrowFiles.WriteTableAsync(path, FrequencyTable, frequencies)),
        ], WidthPlot(bySeries: mixtures.Count > 1));
    }

    /// <summary>The synthetic advice's plot over advice_widths: one line per mixture where there are several.</summary>
    internal static PlotSpec WidthPlot(bool bySeries) => new()
    {
        Name = Plot, Kind = "line", Title = "Smallest rare frequency that keeps the rare feature, by width (theory)",
        Sql = "SELECT width, min_rare_frequency, mixture FROM advice_widths WHERE min_rare_frequency > 0 ORDER BY mixture, width",
        X = "width", Y = "min_rare_frequency", Series = bySeries ? "mixture" : null, LogY = true, YLabel = "smallest rare frequency pi_r",
    };

    /// <summary>The empirical advice from OLMo sweeps: boundaries, size factors and (with size and frequency) the two levers.</summary>
    public static async Task<AdviceResult> EmpiricalAsync(IReadOnlyList<string> sweepDirs, string outputDir, double target,
        long? size = null, double? frequency = null, string kind = "comparison")
    {
        SweepOverlap.CheckDistinct(sweepDirs);
        var outcomes = sweepDirs.Select(Outcomes).ToList();
        var specs = AdvicePooling.SpecReader();   // each run.yaml read once for both checks
        SweepOverlap.CheckNoCopies(outcomes, (a, b) => AdvicePooling.TrainedOtherwise(a, b, specs));
        List<TaskOutcome> all = [.. outcomes.SelectMany(o => o)];
        var warnings = AdvicePooling.Warnings(all, specs);
        var result = await EmpiricalAsync(all, sweepDirs[0], outputDir, target, size, frequency, kind);
        return result with { Warnings = warnings };
    }

    /// <summary>The same from outcomes already read (<paramref name="source"/> names where, for the error when there are none).
    /// Everything is computed, and the request checked (a size or kind the sweeps lack), before anything is written.</summary>
    public static async Task<AdviceResult> EmpiricalAsync(IReadOnlyList<TaskOutcome> outcomes, string source, string outputDir, double target,
        long? size = null, double? frequency = null, string kind = "comparison")
    {
        if (outcomes.Count == 0) throw new ArtifactException(source, UnadvisableSweep.NothingEvaluated(source));
        var boundaries = EmpiricalAdvisor.Boundaries(outcomes, target);
        var factors = EmpiricalAdvisor.Factors(outcomes, boundaries, target);
        var levers = size is { } s && frequency is { } f ? Levers.For(boundaries, outcomes, kind, s, f) : null;
        var tables = new List<(string, Func<string, Task>)>
        {
            (Names.Boundaries, path => ArrowFiles.WriteTableAsync(path, BoundaryTable, boundaries)),
            (Names.Factors, path => ArrowFiles.WriteTableAsync(path, FactorTable, factors)),
        };
        if (levers is not null) tables.Add((Names.Levers, path => ArrowFiles.WriteTableAsync(path, LeverTable, [levers])));
        bool plottable = boundaries.Any(b => b.BoundaryFrequency is not null);
        return await WriteAsync(outputDir, tables, !plottable ? null : new PlotSpec
        {
            Name = Plot, Kind = "scatter", Title = "Learnability boundary by model size (seed-mean test accuracy reaches the target)",
            Sql = "SELECT parameters, boundary_frequency, kind FROM advice_boundaries WHERE boundary_frequency IS NOT NULL ORDER BY kind, parameters",
            X = "parameters", Y = "boundary_frequency", Series = "kind", LogX = true, LogY = true,
            Overlays = [new OverlaySpec { Sql = "SELECT parameters, low FROM advice_boundaries WHERE low IS NOT NULL", X = "parameters", Y = "low", Label = "2.5%", Style = "points" },
                        new OverlaySpec { Sql = "SELECT parameters, high FROM advice_boundaries WHERE high IS NOT NULL", X = "parameters", Y = "high", Label = "97.5%", Style = "points" }],
        });
    }

    /// <summary>The folder in the advice's folder that its files are written and read back in before they are put in place.</summary>
    public const string StagingDir = ".advise-staging";

    /// <summary>
    /// Writes the tables and the plot into a staging folder (<see cref="StagingDir"/>) inside <paramref name="outputDir"/>, reads
    /// them back there, and only then renames them into <paramref name="outputDir"/>, removing every advice file this advice did
    /// not write: a failure before the renames (a table, the plot, on a full disk) leaves <paramref name="outputDir"/> as it was,
    /// and removes it where it made it; the renames take no space. The staging folder is in the output's folder, not $TMPDIR:
    /// one that an advice killed by SIGKILL left (no code runs to remove it) is removed by the next advice into that folder,
    /// which the caller holds (its lock, or its sweep's), so no other advice is staging there.
    /// </summary>
    static async Task<AdviceResult> WriteAsync(string outputDir, IReadOnlyList<(string Name, Func<string, Task> Write)> tables, PlotSpec? plot)
    {
        var made = EmptyFolder.FirstMissing(outputDir);   // --output a/b/c makes a and b too when they are missing
        var staging = Path.Combine(outputDir, StagingDir);
        RemoveStaging(staging);   // a killed advice's
        bool done = false;
        try
        {
            Directory.CreateDirectory(staging);
            AdviceResult staged;
            string writing = "";
            try
            {
                foreach (var (name, write) in tables)
                {
                    writing = name + ".arrow";
                    await write(Path.Combine(staging, writing)).ConfigureAwait(false);
                }
                writing = plot is null ? "" : plot.Name + ".png";
                staged = Finish(staging, [.. tables.Select(t => t.Name)], plot);
            }
            // Said at the file the advice was writing (a full disk), as it is named in the folder: the staging folder goes.
            catch (IOException e) { throw new IOException($"cannot write {Path.Combine(outputDir, writing)}: {e.Message}", e); }
            catch (AnalysisException e) when (e.InnerException is IOException io)
            {
                throw new IOException($"cannot write {Path.Combine(outputDir, writing)}: {io.Message}", io);
            }
            var written = Directory.GetFiles(staging).Select(Path.GetFileName).OfType<string>().ToList();
            foreach (var name in written) File.Move(Path.Combine(staging, name), Path.Combine(outputDir, name), overwrite: true);
            done = true;
            // Every advice file this one did not write goes: a levers table or plot it has none of, and an advice of the other
            // kind's tables (a synthetic pipeline's advice_widths beside a sweep's advice_boundaries), so the folder never mixes two.
            foreach (var stale in Files.Except(written)) File.Delete(Path.Combine(outputDir, stale));
            return new AdviceResult(outputDir, staged.Tables);
        }
        finally
        {
            RemoveStaging(staging);
            if (!done && made is not null) EmptyFolder.RemoveIfEmpty(outputDir, made);   // a failing advice writes nothing
        }
    }

    /// <summary>Removes the staging folder a killed advice left in <paramref name="outputDir"/> (the caller holds the folder, so no
    /// advice is staging there now): what the caller's `note:` says when there was one and it went (`advise`, and an analysis
    /// in analysis/, which holds the sweep as an advice into it does), else null.</summary>
    public static string? RemoveKilledStaging(string outputDir)
    {
        var staging = Path.Combine(outputDir, StagingDir);
        return RemoveStaging(staging) ? $"removed {staging}, which an advice killed while writing its files left" : null;
    }

    /// <summary>Removes the staging folder; one it cannot remove (no permission) stays, harming nothing but its space.
    /// Whether one was there and went.</summary>
    static bool RemoveStaging(string staging)
    {
        try
        {
            if (!Directory.Exists(staging)) return false;
            Directory.Delete(staging, recursive: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }

    static AdviceResult Finish(string outputDir, IReadOnlyList<string> names, PlotSpec? plot)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var tables = new List<(string, QueryResult)>();
        foreach (var name in names)
        {
            var path = Path.Combine(outputDir, name + ".arrow");
            ArrowTableLoader.Load(connection, name, [new ArtifactFile(name, path, null)]);
            tables.Add((name, SqlRunner.Query(connection, $"SELECT * FROM {name}")));
        }
        if (plot is not null) PlotRenderer.Render(connection, plot, Path.Combine(outputDir, plot.Name + ".png"));
        return new AdviceResult(outputDir, tables);
    }
}
