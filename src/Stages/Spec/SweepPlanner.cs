using System.Text;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>One swept field: its dotted path, the run-id key (last path segment) and its values.</summary>
/// <param name="Declared">The swept field's type (int, long, double, bool, string; nullable unwrapped).</param>
internal sealed record SweepAxis(string Path, IReadOnlyList<string> Keys, string ShortKey, IReadOnlyList<YamlScalarNode> Values, Type Declared)
{
    /// <summary>The value as it appears in a run id: characters other than [A-Za-z0-9.+-] become '-'.
    /// '_' is replaced too, since it separates the parameters of an id.</summary>
    public static string IdText(string value)
    {
        var id = new StringBuilder(value.Length);
        foreach (var c in value) id.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '+' or '-' ? c : '-');
        return id.ToString();
    }
}

/// <summary>
/// Checks the sweep section of a bound document and turns it into axes: every key must be the
/// dotted path of a scalar field, with a non-empty list of distinct scalar values.
/// </summary>
internal static class SweepPlanner
{
    /// <summary>A guard against an accidental cartesian explosion (five keys of ten values).</summary>
    public const int MaxRuns = 10_000;

    /// <summary>Keys that name or describe the pipeline: sweeping them would only relabel identical runs.</summary>
    static readonly string[] Labels = ["name", "description"];

    const string ExperimentKey = "experiment";

    /// <summary>The section read by the sweep's analysis rather than by its runs (a run's copy of it trains nothing).</summary>
    const string AnalysisKey = "analysis";

    /// <summary>The probes, which only OLMo runs have (<see cref="ProbeRules"/> refuses them elsewhere).</summary>
    const string ProbesKey = "probes";

    /// <param name="stored">A sweep this program wrote (see SpecLoader.Load): the rules that only keep a new sweep from
    /// training identical runs are not applied, so one written before them loads again.</param>
    public static IReadOnlyList<SweepAxis> Plan(NodeIndex index, SourceMap sources, List<SpecError> errors, string experiment = "synthetic",
        bool stored = false)
    {
        if (YamlTree.Get(index.Root, SpecSchema.SweepKey) is not YamlMappingNode sweep) return [];

        var axes = new List<SweepAxis>();
        foreach (var (keyNode, valueNode) in sweep.Children)
        {
            var key = YamlTree.KeyText(keyNode) ?? "";
            var path = $"{SpecSchema.SweepKey}.{key}";
            if (Field(key, experiment, out var problem) is not { } target)
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey, problem));
                continue;
            }
            if (!stored && key == ExperimentKey)
            {
                // Not a label: it changes every run, but a sweep's runs share one experiment (their tables, its analysis).
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey,
                    $"'{key}' cannot be swept: a sweep's runs are of one experiment, whose tables its analysis reads; write a pipeline file per experiment"));
                continue;
            }
            if (!stored && Labels.Contains(key))
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey, $"'{key}' labels the pipeline and changes no run; sweep settings that do"));
                continue;
            }
            if (!stored && SpecPaths.IsAtOrUnder(key, AnalysisKey))
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey,
                    $"'{key}' is read by the sweep's analysis, once over all its runs, not by a run: its runs would differ only in their ids; " +
                    $"remove it from the sweep and set it in the analysis section (`pipeline advise SWEEP_DIR` takes --target-accuracy, " +
                    $"--size, --frequency and --kind to read a trained sweep under other values)"));
                continue;
            }
            if (!stored && ExperimentKeys.UnreadAt(experiment, key) is { } unread)
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey,
                    $"experiment: {experiment} does not read '{key}' ({unread.Instead}): its runs would differ only in their ids; remove it from the sweep"));
                continue;
            }
            if (!stored && MissingSection(target.Keys, index) is { } section)
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey,
                    $"'{key}' lies in '{section}', which this pipeline does not have: the sweep would add it with its defaults " +
                    $"to every run; write '{section}' with the settings you mean first"));
                continue;
            }
            if (Values(valueNode, path, index, sources, errors, !stored && IsNumber(target.Field.Type)) is not { } values) continue;

            var shortKey = target.Keys[^1];
            if (axes.FirstOrDefault(a => a.ShortKey == shortKey) is { } clash)
            {
                errors.Add(sources.ErrorAt(keyNode, SpecSchema.SweepKey,
                    $"'{key}' and '{clash.Path}' both end in '{shortKey}', which names the run parameter; sweep only one of them"));
                continue;
            }
            axes.Add(new SweepAxis(key, target.Keys, shortKey, values, Nullable.GetUnderlyingType(target.Field.Type) ?? target.Field.Type));
        }

        var runs = axes.Aggregate(1L, (n, a) => Math.Min(n * a.Values.Count, MaxRuns + 1L));
        if (runs > MaxRuns)
            errors.Add(sources.ErrorAt(sweep, SpecSchema.SweepKey,
                $"the sweep expands to more than {MaxRuns} runs; split it into several files or profiles"));
        return axes;
    }

    /// <summary>The first optional section (null by default: synthetic.rare, probes.das, …) on the way to a swept
    /// field that the document does not have. A sweep varies what a pipeline has; it does not create a section
    /// (a sweep over synthetic.rare.gap added a rare task of default frequency to every run of a file without one).</summary>
    private static string? MissingSection(IReadOnlyList<string> keys, NodeIndex index) =>
        SpecSchema.FirstOptionalSection(keys, prefix => index.At(prefix) is null);

    /// <param name="experiment">Whose sweepable fields the error lists: those its runs read (a synthetic sweep is not
    /// offered data.*, olmo.* or probes.*, which it refuses).</param>
    private static SchemaPath? Field(string key, string experiment, out string problem)
    {
        var resolved = SchemaPath.TryResolve(key, out var at, out var message);
        if (resolved is { IsSweepEntry: false, Field.Kind: FieldKind.Scalar })
        {
            problem = "";
            return resolved;
        }
        var sweepablePaths = SpecSchema.ScalarPaths(typeof(PipelineSpec)).Where(p => Sweepable(p, experiment)).ToList();
        var sweepable = string.Join(", ", sweepablePaths);
        problem = resolved is null
            ? key == Profiles.Key
                // Not a field (it is never bound), though the top level writes it: "unknown key 'profiles'" read as a bug.
                ? $"'{key}' cannot be swept: --profile NAME selects one profile per run of the pipeline; run it once per profile"
                : FullPathHint(key, sweepablePaths) ?? InjectedTaskHint(key, experiment) ?? $"'{key}' is not a field: {(at.Length > 0 ? $"at '{at}': " : "")}{message}"
            : $"'{key}' is {SpecSchema.Describe(resolved.Field.Type)}; only scalar fields can be swept: {sweepable}";
        return null;
    }

    /// <summary>A key that is the end of sweepable paths (`width` for synthetic.width, `rare.gap`): the run ids and swept's
    /// columns use that last part, so it is what a user writes first; the error then names the paths it ends. Null where
    /// no sweepable path ends so.</summary>
    private static string? FullPathHint(string key, IReadOnlyList<string> sweepable)
    {
        var ends = sweepable.Where(p => p.EndsWith("." + key, StringComparison.OrdinalIgnoreCase)).ToList();
        if (ends.Count == 0) return null;
        var meant = ends.Count == 1 ? $"'{ends[0]}'" : string.Join(", ", ends.SkipLast(1).Select(p => $"'{p}'")) + $" or '{ends[^1]}'";
        return $"'{key}' is not a field of the file's top level: did you mean {meant}? (a sweep key is the field's dotted path " +
            "from the top of the file; run ids and the swept table's columns use its last part)";
    }

    /// <summary>An injected task's key (`data.tasks.frequency`, or `frequency` alone in a file that reads data.tasks): what
    /// an experiment over task frequencies or gaps writes first, and no sweep can vary, as data.tasks is a list. The error
    /// says the two ways the shipped pipelines take.</summary>
    private static string? InjectedTaskHint(string key, string experiment)
    {
        if (experiment is not ("olmo" or "data")) return null;
        var name = key.StartsWith(TasksKey + ".", StringComparison.OrdinalIgnoreCase) ? key[(TasksKey.Length + 1)..] : key;
        if (!SpecSchema.ScalarPaths(typeof(Retention.Data.InjectedTaskSpec)).Contains(name, StringComparer.OrdinalIgnoreCase)) return null;
        return $"'{key}' is not a field that can be swept: '{name}' is a key of each injected task, and data.tasks is a list (a sweep " +
            $"key names one scalar field): put one task per {name} in data.tasks, each its own name and seed (task_metrics and tasks " +
            "keep them apart by name), or run the file once per value with --set 'data.tasks=[{...}]'";
    }

    const string TasksKey = "data.tasks";

    /// <summary>Whether a sweep of some experiment may vary the scalar field at <paramref name="path"/>: not a label of the
    /// pipeline, nor a key of its analysis.</summary>
    public static bool MayVary(string path) => !Labels.Contains(path) && path != ExperimentKey && !SpecPaths.IsAtOrUnder(path, AnalysisKey);

    /// <summary>Whether a sweep of <paramref name="experiment"/> may vary the scalar field at <paramref name="path"/>.</summary>
    private static bool Sweepable(string path, string experiment) =>
        MayVary(path) && ExperimentKeys.UnreadAt(experiment, path) is null
        && !(experiment != "olmo" && SpecPaths.IsAtOrUnder(path, ProbesKey));

    private static bool IsNumber(Type type) => (Nullable.GetUnderlyingType(type) ?? type) is var t
        && (t == typeof(int) || t == typeof(long) || t == typeof(double) || t == typeof(float) || t == typeof(decimal));

    private static IReadOnlyList<YamlScalarNode>? Values(
        YamlNode node, string path, NodeIndex index, SourceMap sources, List<SpecError> errors, bool numbers)
    {
        if (node is not YamlSequenceNode list || list.Children.Count == 0)
        {
            errors.Add(sources.ErrorAt(node, path, $"expected a non-empty list of values, got {YamlTree.Describe(node)}" +
                (YamlTree.IsNull(node) && EmptySetValue.IsFrom(sources.SourceOf(node)) ? EmptySetValue.SweepHint(path[(path.IndexOf('.') + 1)..]) : "")));
            return null;
        }

        var values = new List<YamlScalarNode>();
        var seen = new Dictionary<string, string>();
        foreach (var item in list.Children)
        {
            var itemPath = index.InfoOf(item)?.Path ?? path;
            if (item is not YamlScalarNode scalar || YamlTree.IsNull(item))
            {
                errors.Add(sources.ErrorAt(item, itemPath, $"expected a scalar value, got {YamlTree.Describe(item)}"));
                continue;
            }
            // Each value must give its runs their own id (and their own artifact directory).
            if (seen.TryGetValue(SweepAxis.IdText(scalar.Value!), out var earlier))
            {
                errors.Add(sources.ErrorAt(item, itemPath,
                    earlier == scalar.Value
                        ? $"duplicate sweep value '{scalar.Value}'"
                        : $"sweep values '{earlier}' and '{scalar.Value}' give the same run id; make them differ in letters, digits, '.', '+' or '-'"));
                continue;
            }
            // A number written twice (1 and 1.0) trains the same runs under two ids.
            if (numbers && double.TryParse(scalar.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var number)
                && values.FirstOrDefault(v => double.TryParse(v.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var n) && n == number) is { } same)
            {
                errors.Add(sources.ErrorAt(item, itemPath, $"sweep values '{same.Value}' and '{scalar.Value}' are the same number; give it once"));
                continue;
            }
            seen[SweepAxis.IdText(scalar.Value!)] = scalar.Value!;
            values.Add(scalar);
        }
        return values.Count == list.Children.Count ? values : null;
    }
}
