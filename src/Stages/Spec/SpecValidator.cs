using System.Globalization;
using System.Text.RegularExpressions;

namespace Retention.Spec;

/// <summary>
/// The rules a bound spec must satisfy beyond its types. Every rule runs (errors are collected,
/// not thrown), and each error points at the node that holds the bad value, or at the nearest
/// written ancestor when the value is a default.
/// </summary>
internal sealed partial class SpecValidator
{
    private static readonly string[] Experiments = ["synthetic", "data", "olmo"];
    private static readonly string[] Presets = ["4M", "20M", "300M", "1B", "4B"];
    private static readonly string[] TaskKinds = ["comparison", "modular_addition"];
    private static readonly string[] TokenizerKinds = ["cl100k_base", "huggingface", "bpe"];
    private static readonly string[] Bases = ["identity", "random"];
    private static readonly string[] Optimizers = ["adam"];
    private static readonly string[] Schedules = ["constant", "cosine"];
    private static readonly string[] PlotKinds = ["heatmap", "line", "scatter"];
    private static readonly string[] OverlayStyles = ["line", "step", "points"];
    private const int MaxImagePx = 10_000;

    private readonly NodeIndex _index;
    private readonly SourceMap _sources;
    private readonly List<SpecError> _errors = [];

    private SpecValidator(NodeIndex index, SourceMap sources) => (_index, _sources) = (index, sources);

    public static IReadOnlyList<SpecError> Validate(PipelineSpec spec, NodeIndex index, SourceMap sources)
    {
        var validator = new SpecValidator(index, sources);
        validator.Document(spec);
        validator.Synthetic(spec.Synthetic);
        validator.Train(spec.Train);
        validator.Analysis(spec.Analysis);
        validator.Data(spec);
        return validator._errors;
    }

    private void Document(PipelineSpec spec)
    {
        // The name becomes a directory under artifacts/.
        Check(NameRegex().IsMatch(spec.Name), "name",
            $"'{spec.Name}' is not a valid name; use letters, digits, '.', '_' and '-', starting with a letter or digit");
        OneOf(spec.Experiment, Experiments, "experiment", "experiment");
        Check(DeviceRegex().IsMatch(spec.Device), "device",
            $"unknown device '{spec.Device}'; allowed: cpu, cuda, auto, cuda:N (N = GPU index)");
    }

    private void Synthetic(SyntheticSpec s)
    {
        AtLeast(s.Tasks, 1, "synthetic.tasks");
        AtLeast(s.DimsPerTask, 1, "synthetic.dims_per_task");
        AtLeast(s.Width, 1, "synthetic.width");
        NonNegative(s.FrequencyExponent, "synthetic.frequency_exponent");
        NonNegative(s.SpectrumExponent, "synthetic.spectrum_exponent");
        Positive(s.SpectrumScale, "synthetic.spectrum_scale");
        OneOf(s.Basis, Bases, "synthetic.basis", "basis");
        if (AtLeast(s.FrequentTasks, 0, "synthetic.frequent_tasks"))
            Check(s.FrequentTasks <= s.Tasks, "synthetic.frequent_tasks",
                $"must be at most synthetic.tasks ({s.Tasks}), got {s.FrequentTasks}");
        if (s.Rare is { } r)
        {
            Check(r.Frequency is > 0 and <= 0.5, "synthetic.rare.frequency",
                $"must be in (0, 0.5] (a fraction of all samples), got {Show(r.Frequency)}");
            AtLeast(r.Gap, 1, "synthetic.rare.gap");
            Positive(r.Lambda, "synthetic.rare.lambda");
        }
    }

    private void Data(PipelineSpec spec)
    {
        if (spec.Data is not { } d)
        {
            Check(spec.Experiment is not ("data" or "olmo"), "experiment",
                $"experiment: {spec.Experiment} needs a data: section (sources, tokenizer, packing, tasks)");
            return;
        }
        if (spec.Experiment == "olmo")
        {
            if (spec.Olmo is not { } o) Check(false, "experiment", "experiment: olmo needs an olmo: section (preset, ...)");
            else
            {
                OneOf(o.Preset, Presets, "olmo.preset", "preset");
                OneOf(o.Precision, [.. Models.MixedPrecision.Names], "olmo.precision", "precision");
                AtLeast(o.GradAccumulation, 1, "olmo.grad_accumulation");
                AtLeast(o.EvalEvery, 1, "olmo.eval_every");
                AtLeast(o.EvalInstances, 1, "olmo.eval_instances");
                if (AtLeast(o.GradAccumulation, 1, "olmo.grad_accumulation"))
                    Check(d.Packing.BatchSize % o.GradAccumulation == 0, "olmo.grad_accumulation",
                        $"must divide data.packing.batch_size ({d.Packing.BatchSize}), got {o.GradAccumulation}");
            }
        }
        Check(d.Sources.Count > 0, "data.sources", "needs at least one source (paths of Dolma shards, globs or URLs)");
        for (var i = 0; i < d.Sources.Count; i++)
            foreach (var message in d.Sources[i].Validate($"data.sources[{i}]"))
            {
                var colon = message.IndexOf(": ", StringComparison.Ordinal);
                Check(false, message[..colon], message[(colon + 2)..]);
            }
        if (d.Sources.Count > 1)
            for (var i = 0; i < d.Sources.Count; i++)
                Check(d.Sources[i].Format != "pretokenized", $"data.sources[{i}].format",
                    "a pretokenized source cannot be mixed with other sources; give it as the only source");
        OneOf(d.Tokenizer.Kind, TokenizerKinds, "data.tokenizer.kind", "tokenizer kind");
        if (d.Tokenizer.Kind != "cl100k_base")
            Check(!string.IsNullOrWhiteSpace(d.Tokenizer.Path), "data.tokenizer.path", $"a {d.Tokenizer.Kind} tokenizer needs a file path");
        AtLeast(d.Packing.SeqLen, 4, "data.packing.seq_len");
        AtLeast(d.Packing.BatchSize, 1, "data.packing.batch_size");
        AtLeast(d.Packing.HeldOutEvery, 0, "data.packing.held_out_every");
        for (var i = 0; i < d.Tasks.Count; i++)
        {
            var t = d.Tasks[i];
            OneOf(t.Kind, TaskKinds, $"data.tasks[{i}].kind", "task kind");
            Check(t.Frequency is > 0 and <= 0.125, $"data.tasks[{i}].frequency",
                $"must be in (0, 0.125] (injected instances per training token), got {Show(t.Frequency)}");
            AtLeast(t.Gap, 1, $"data.tasks[{i}].gap");
        }
    }

    private void Train(TrainSpec t)
    {
        AtLeast(t.Steps, 1, "train.steps");
        AtLeast(t.BatchSize, 1, "train.batch_size");
        OneOf(t.Optimizer, Optimizers, "train.optimizer", "optimizer");
        Positive(t.Lr, "train.lr");
        OneOf(t.LrSchedule, Schedules, "train.lr_schedule", "lr_schedule");
        Check(t.MinLrRatio is >= 0 and <= 1, "train.min_lr_ratio", $"must be between 0 and 1, got {Show(t.MinLrRatio)}");
        if (AtLeast(t.WarmupSteps, 0, "train.warmup_steps") && t.Steps >= 1)
            Check(t.WarmupSteps < t.Steps, "train.warmup_steps",
                $"must be less than train.steps ({t.Steps}), got {t.WarmupSteps}");
        AtLeast(t.LogEvery, 1, "train.log_every");
        NonNegative(t.InitScale, "train.init_scale");
    }

    private void Analysis(AnalysisSpec a)
    {
        // DuckDB table names and (on macOS) file names ignore case, so uniqueness does too.
        var tables = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < a.Tables.Count; i++)
        {
            var at = $"analysis.tables[{i}]";
            UniqueIdentifier(a.Tables[i].Name, $"{at}.name", tables, i, "table", "analysis.tables");
            NotBlank(a.Tables[i].Sql, $"{at}.sql");
        }

        var plots = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < a.Plots.Count; i++)
        {
            var plot = a.Plots[i];
            var at = $"analysis.plots[{i}]";
            UniqueIdentifier(plot.Name, $"{at}.name", plots, i, "plot", "analysis.plots");
            OneOf(plot.Kind, PlotKinds, $"{at}.kind", "plot kind");
            NotBlank(plot.Sql, $"{at}.sql");
            NotBlank(plot.X, $"{at}.x");
            NotBlank(plot.Y, $"{at}.y");
            if (plot.Kind == "heatmap")
                Check(!string.IsNullOrWhiteSpace(plot.Value), $"{at}.value",
                    "a heatmap needs 'value', the column that gives each cell its colour");
            Check(plot.WidthPx is >= 1 and <= MaxImagePx, $"{at}.width_px", $"must be between 1 and {MaxImagePx}, got {plot.WidthPx}");
            Check(plot.HeightPx is >= 1 and <= MaxImagePx, $"{at}.height_px", $"must be between 1 and {MaxImagePx}, got {plot.HeightPx}");

            for (var j = 0; j < plot.Overlays.Count; j++)
            {
                var overlay = plot.Overlays[j];
                var oat = $"{at}.overlays[{j}]";
                NotBlank(overlay.Sql, $"{oat}.sql");
                NotBlank(overlay.X, $"{oat}.x");
                NotBlank(overlay.Y, $"{oat}.y");
                OneOf(overlay.Style, OverlayStyles, $"{oat}.style", "overlay style");
            }
        }
    }

    private void UniqueIdentifier(string name, string path, Dictionary<string, int> seen, int index, string what, string listPath)
    {
        if (!Check(IdentifierRegex().IsMatch(name), path,
                $"{what} name '{name}' is not an identifier; use letters, digits and '_', not starting with a digit"))
            return;
        if (seen.TryGetValue(name, out var first))
            Check(false, path, $"duplicate {what} name '{name}': {listPath}[{first}] has it already; names must be unique, ignoring case");
        else
            seen[name] = index;
    }

    private bool AtLeast(long value, long min, string path) =>
        Check(value >= min, path, $"must be >= {min}, got {value}");

    private bool Positive(double value, string path) =>
        Check(double.IsFinite(value) && value > 0, path, $"must be a finite number > 0, got {Show(value)}");

    private bool NonNegative(double value, string path) =>
        Check(double.IsFinite(value) && value >= 0, path, $"must be a finite number >= 0, got {Show(value)}");

    private bool NotBlank(string value, string path) =>
        Check(!string.IsNullOrWhiteSpace(value), path, "must not be empty");

    private bool OneOf(string value, string[] allowed, string path, string what) =>
        Check(allowed.Contains(value), path, $"unknown {what} '{value}'; allowed: {string.Join(", ", allowed)}");

    private bool Check(bool ok, string path, string message)
    {
        if (ok) return true;
        var node = _index.Nearest(path, out var exact);
        // A written value is named where the user wrote it (a swept value: in the sweep list);
        // a default is named by the field it defaults.
        var shown = exact ? _index.InfoOf(node)?.Path ?? path : path;
        _errors.Add(_sources.ErrorAt(node, shown, message));
        return false;
    }

    /// <summary>A number as YAML spells it, so the message quotes what the user wrote.</summary>
    private static string Show(double value) => value switch
    {
        double.PositiveInfinity => ".inf",
        double.NegativeInfinity => "-.inf",
        _ when double.IsNaN(value) => ".nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierRegex();

    [GeneratedRegex("^(cpu|cuda|auto|cuda:[0-9]+)$")]
    private static partial Regex DeviceRegex();
}
