using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Analysis;

/// <summary>A swept key the analysis does not keep apart: <paramref name="Key"/> (its dotted path in the sweep),
/// the tables and plots that mix its values (<paramref name="Paths"/>: analysis.tables[1], analysis.plots[0]), and what
/// to tell the user.</summary>
public sealed record SweptKeyWarning(string Key, IReadOnlyList<string> Paths, string Message)
{
    /// <summary>Where the warning is placed, as errors are ("p.yaml:6:40", or "--set KEY=VALUE" for a value a --set gave);
    /// null: the pipeline file, with no line.</summary>
    public string? Where { get; init; }
}

/// <summary>
/// Which swept keys the analysis mixes. A shipped pipeline groups its tables by the keys it sweeps and
/// averages over seed on purpose; a key added to its sweep (--set 'sweep.train.lr=[1e-3,3e-3]') would
/// otherwise be averaged over, or its runs' rows put side by side, without a word. Pure: the tables' output
/// columns come from the caller (<see cref="AnalysisCheck"/> before training, the tables themselves after).
/// </summary>
public static class SweptKeyCoverage
{
    /// <summary>The key the shipped analyses average over on purpose.</summary>
    const string Seed = "seed";

    /// <summary>Keys that set an OLMo model's size, which the shipped analyses keep apart by model.arrow's parameter
    /// count (one per size in their sweeps) rather than by the key. heads is not among them: it leaves the count as it is.</summary>
    static readonly string[] SizeKeys = ["olmo.preset", "olmo.layers", "olmo.hidden", "olmo.mlp_dim", "olmo.vocab_size"];
    const string SizeColumn = "parameters";

    /// <summary>One warning per swept key (not seed) with more than one value that an analysis table's output has no
    /// column for (by its short name, case-insensitive) and its SQL never names, or that a plot's SQL never names.
    /// SQL that names the key knows of it: it keeps one value (WHERE lr = 0.001), picks one run, or says in a comment
    /// why it is pooled (the shipped bound_check over every width); the warning is for a key the analysis has never
    /// heard of. A table that keeps the run column has one run per row and mixes nothing; a table missing from
    /// <paramref name="tableColumns"/> (it failed, or its columns are unknown) is skipped.</summary>
    /// <param name="sweep">Dotted path → values, as <see cref="PipelineSpec.Sweep"/>.</param>
    /// <param name="tableColumns">Each analysis table's output columns, by table name.</param>
    public static IReadOnlyList<SweptKeyWarning> Check(AnalysisSpec analysis, IReadOnlyDictionary<string, IReadOnlyList<string>> sweep,
        IReadOnlyDictionary<string, IReadOnlyList<string>> tableColumns)
    {
        var warnings = new List<SweptKeyWarning>();
        foreach (var (key, values) in sweep)
        {
            var column = ShortName(key);
            // The run's seed only: data.tasks[0].seed or probes.das.seed change what is measured, and are not averaged on purpose.
            if (values.Distinct().Count() < 2 || key.Equals(Seed, StringComparison.OrdinalIgnoreCase)) continue;
            string[] names = SizeKeys.Contains(key, StringComparer.OrdinalIgnoreCase) ? [column, SizeColumn] : [column];
            bool Keeps(string c) => names.Append(ArrowTableLoader.RunColumn).Contains(c, StringComparer.OrdinalIgnoreCase);
            bool Names(string sql) => names.Any(n => SqlIdentifiers.Mentions(sql, n));
            var tables = analysis.Tables.Select((t, i) => (t.Name, t.Sql, Path: $"analysis.tables[{i}]"))
                .Where(t => tableColumns.TryGetValue(t.Name, out var columns) && !columns.Any(Keeps) && !Names(t.Sql))
                .Select(t => (t.Name, t.Path)).ToList();
            // A plot keeps the key apart by naming it in its SQL or as one of its columns (series: lr over SELECT *).
            var plots = analysis.Plots.Select((p, i) => (p.Name, p.Sql, Columns: PlotKeys.Read(p).Select(k => k.Column), Path: $"analysis.plots[{i}]"))
                .Where(p => !string.IsNullOrWhiteSpace(p.Sql) && !Names(p.Sql) && !p.Columns.Any(c => c is not null && Keeps(c)))
                .Select(p => (p.Name, p.Path)).ToList();
            if (tables.Count + plots.Count == 0) continue;
            warnings.Add(new SweptKeyWarning(key, [.. tables.Select(t => t.Path), .. plots.Select(p => p.Path)],
                Message(key, names, values.Distinct().Count(), tables, plots)));
        }
        return warnings;
    }

    /// <summary>As <see cref="Check(AnalysisSpec, IReadOnlyDictionary{string, IReadOnlyList{string}}, IReadOnlyDictionary{string, IReadOnlyList{string}})"/>,
    /// after the analysis ran: its tables' columns are those of their results.</summary>
    public static IReadOnlyList<SweptKeyWarning> Check(AnalysisSpec analysis, IReadOnlyDictionary<string, IReadOnlyList<string>> sweep,
        IReadOnlyList<AnalysisTableResult> tables) =>
        Check(analysis, sweep, tables.GroupBy(t => t.Name, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last().Result.ColumnNames, StringComparer.OrdinalIgnoreCase));

    /// <summary>The swept keys an OLMo analysis's advice (analysis.advise) pools as seeds: it keeps task kinds, model sizes
    /// and task frequencies apart and averages every other run setting, so a sweep of train.lr gives one boundary over
    /// both rates. A synthetic advice is computed per mixture of swept values and pools nothing.</summary>
    public static IReadOnlyList<SweptKeyWarning> Advice(string experiment, AnalysisSpec analysis, IReadOnlyDictionary<string, IReadOnlyList<string>> sweep)
    {
        if (experiment != "olmo" || analysis.Advise is null) return [];
        return [.. sweep.Where(a => a.Value.Distinct().Count() > 1 && !a.Key.Equals(Seed, StringComparison.OrdinalIgnoreCase)
                && !SizeKeys.Contains(a.Key, StringComparer.OrdinalIgnoreCase) && !IsTaskKindOrFrequency(a.Key))
            .Select(a => new SweptKeyWarning(a.Key, ["analysis.advise"],
                $"the advice (analysis.advise) pools the runs of every {a.Key} value as seeds of one setting (it keeps task kinds, model " +
                $"sizes and frequencies apart, nothing else), so its boundaries mix {a.Value.Distinct().Count()} values of {ShortName(a.Key)}; " +
                $"sweep one {ShortName(a.Key)} per pipeline for advice on each"))];
    }

    /// <summary>data.tasks[2].frequency, data.tasks[0].kind: what the advice keeps apart per task.</summary>
    static bool IsTaskKindOrFrequency(string key) =>
        key.StartsWith("data.tasks", StringComparison.Ordinal) && ShortName(key) is "frequency" or "kind";

    /// <summary>The column swept.arrow gives the key: its last segment (train.lr → lr).</summary>
    public static string ShortName(string key) => key[(key.LastIndexOf('.') + 1)..];

    static string Message(string key, string[] names, int count, List<(string Name, string Path)> tables, List<(string Name, string Path)> plots)
    {
        var column = names[0];
        var parts = new List<string>();
        if (tables.Count > 0)
            parts.Add($"analysis table{(tables.Count > 1 ? "s" : "")} {Listed(tables)} ha{(tables.Count > 1 ? "ve" : "s")} no column " +
                string.Join(" or ", names.Select(n => $"'{n}'")));
        if (plots.Count > 0)
            parts.Add($"plot{(plots.Count > 1 ? "s" : "")} {Listed(plots)} do{(plots.Count > 1 ? "" : "es")} not mention {string.Join(" or ", names)}");
        // Each fix named silences the warning.
        var tableFix = $"add {column} to {(tables.Count > 1 ? "their" : "its")} SELECT and GROUP BY, or keep one value with WHERE {column} = ...";
        var plotFix = $"select {column} as {(plots.Count > 1 ? "their" : "its")} series, or keep one value with WHERE {column} = ...";
        var (mixed, fix) = (tables.Count, plots.Count) switch
        {
            (> 0, 0) => ("each row mixes", tableFix),
            (0, _) => ("each point mixes", plotFix),
            _ => ("their rows and points mix", $"add {column} to the tables' SELECT and GROUP BY and select it as the plots' series, or keep one value with WHERE {column} = ..."),
        };
        return $"{string.Join(", and ", parts)}, although the sweep varies {key} over {count} values: {mixed} runs with different {column} ({fix})";
    }

    /// <summary>'a' (analysis.tables[0]), 'b' (analysis.tables[2]) and 'c' (analysis.tables[3]).</summary>
    static string Listed(List<(string Name, string Path)> items)
    {
        var named = items.Select(t => $"'{t.Name}' ({t.Path})").ToList();
        return named.Count == 1 ? named[0] : $"{string.Join(", ", named[..^1])} and {named[^1]}";
    }
}
