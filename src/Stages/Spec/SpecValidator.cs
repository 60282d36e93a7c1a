using YamlDotNet.RepresentationModel;
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

    public static bool IsExperiment(string experiment) => Experiments.Contains(experiment);
    private static readonly string[] Presets = ["4M", "20M", "300M", "1B", "4B"];
    private static readonly string[] TaskKinds = ["comparison", "modular_addition"];
    private static readonly string TaskItemDefaults =
        $"{Retention.Data.ComparisonTask.DefaultItems} comparison items, modulus {Retention.Data.ModularAdditionTask.DefaultModulus} for modular addition";
    private static readonly string[] Bases = ["identity", "random"];
    private static readonly string[] Optimizers = ["adam"];
    private static readonly string[] Schedules = ["constant", "cosine"];
    private static readonly string[] PlotKinds = ["heatmap", "line", "scatter"];
    private static readonly string[] OverlayStyles = ["line", "step", "points"];
    private const int MaxImagePx = 10_000;
    /// <summary>10^10 steps is centuries at the fastest step rate measured here; more is a typo.</summary>
    public const long MaxSteps = 10_000_000_000;

    private readonly NodeIndex _index;
    private readonly SourceMap _sources;
    private readonly List<SpecError> _errors = [];

    private readonly MendedPaths _mended;

    private SpecValidator(NodeIndex index, SourceMap sources, MendedPaths mended) => (_index, _sources, _mended) = (index, sources, mended);

    /// <param name="mended">Paths the binder dropped or filled in: a rule about them would only repeat the binding error.</param>
    /// <param name="checkResources">Check a CPU run's memory against this machine (off for profiles not selected now,
    /// which may be meant for a larger machine).</param>
    /// <param name="stored">A file this program wrote into a sweep, perhaps by an earlier version (see SpecLoader.Load).</param>
    public static IReadOnlyList<SpecError> Validate(PipelineSpec spec, NodeIndex index, SourceMap sources, MendedPaths? mended = null,
        bool checkResources = true, bool stored = false)
    {
        var validator = new SpecValidator(index, sources, mended ?? new MendedPaths());
        validator.Document(spec);
        validator.Synthetic(spec.Synthetic);
        validator.Train(spec.Train);
        validator.Analysis(spec.Analysis);
        validator.Data(spec);
        validator.Probes(spec);
        validator.Advise(spec);
        if (!stored)
        {
            validator.SourceNames(spec);
            validator.UnreadSourceKeys(spec);
            validator.Unread(spec);
            validator.UnreadTokenizerFiles(spec);
            validator.UnreadTaskIds(spec);
            validator.EmptySections(typeof(PipelineSpec), "");
            validator.UnreadPlotKeys(spec.Analysis);
            validator.InjectionEvalTask(spec);
        }
        if (checkResources) validator.Resources(spec);
        return validator._errors;
    }

    /// <summary>A source's name labels its rows in sources.arrow and seeds its shuffle: two of one name (two left unnamed
    /// are both "default") could not be told apart there. Not asked of stored files: earlier versions accepted them.</summary>
    private void SourceNames(PipelineSpec spec)
    {
        if (spec.Data is not { Sources: var list }) return;
        for (int i = 0; i < list.Count; i++)
            if (list.Take(i).Select((s, j) => (s.Name, j)).FirstOrDefault(e => e.Name == list[i].Name) is { Name: not null } first)
                Check(false, $"data.sources[{i}].name", $"'{list[i].Name}' is also data.sources[{first.j}]'s name" +
                    (list[i].Name == new Retention.Data.DataSourceSpec { Paths = [] }.Name ? " (the name of a source given none)" : "") +
                    ": give each source its own name; it labels the source's rows in sources.arrow and seeds its shuffle");
    }

    /// <summary>A source's keys its format never reads (<see cref="Retention.Data.DataSourceSpec.UnreadKeys"/>): an
    /// <c>eos_token_id</c> on a text source does not change its separator, and a pre-tokenized source has no document
    /// shuffle. A value at its default passes (stored files of earlier versions wrote every key out).</summary>
    private void UnreadSourceKeys(PipelineSpec spec)
    {
        if (spec.Data is not { Sources: var list }) return;
        var unset = new Retention.Data.DataSourceSpec { Paths = [] };
        for (int i = 0; i < list.Count; i++)
            foreach (var key in Retention.Data.DataSourceSpec.UnreadKeys(list[i].Format))
            {
                var path = $"data.sources[{i}].{key}";
                if (SameValue(ValueAt(list[i], key), ValueAt(unset, key))) continue;
                Check(false, path, list[i].Format == "dolma"
                    ? "a text source (format: dolma) is tokenized by data.tokenizer, whose EOS separates its documents; this key is for format: pretokenized files only: remove it"
                    : "a pre-tokenized source is read in file order, its documents unshuffled (shuffle_shards orders the files afresh each epoch): remove it");
            }
    }

    private void Document(PipelineSpec spec)
    {
        // The name becomes a directory under artifacts/.
        Check(NameRegex().IsMatch(spec.Name), "name",
            $"'{spec.Name}' is not a valid name; use letters, digits, '.', '_' and '-', starting with a letter or digit");
        OneOf(spec.Experiment, Experiments, "experiment", "experiment");
        Check(DeviceNames.IsValid(spec.Device), "device", $"unknown device '{spec.Device}'; allowed: {DeviceNames.Allowed}");
    }

    private void Synthetic(SyntheticSpec s)
    {
        AtLeast(s.Tasks, 1, "synthetic.tasks");
        AtLeast(s.DimsPerTask, 1, "synthetic.dims_per_task");
        if (AtLeast(s.Width, 1, "synthetic.width") && s.Tasks >= 1 && s.DimsPerTask >= 1)
            Check(s.Width <= ResourceEstimate.SyntheticInputDims(s), "synthetic.width",
                $"must be at most the input dimension D = {ResourceEstimate.SyntheticInputDims(s)} (tasks × dims_per_task{(s.Rare is null ? "" : ", plus the rare task's block")}), got {s.Width}");
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
            // Both sections an OLMo file lacks are said at once: a second validate should not find the other.
            bool olmoToo = spec.Experiment == "olmo" && spec.Olmo is null && !_mended.Covers("olmo");
            if (!_mended.Covers("data")) Check(spec.Experiment is not ("data" or "olmo"), "experiment",
                $"experiment: {spec.Experiment} needs a data: section (sources, tokenizer, packing, tasks)" +
                (olmoToo ? " and an olmo: section (preset, ...; olmo: {} takes every default)" : ""));
            return;
        }
        if (spec.Experiment == "olmo")
        {
            if (spec.Olmo is not { } o) Check(_mended.Covers("olmo"), "experiment", "experiment: olmo needs an olmo: section (preset, ...)");
            else
            {
                OneOf(o.Preset, Presets, "olmo.preset", "preset");
                foreach (var (value, key) in new[] { (o.Layers, "layers"), (o.Hidden, "hidden"), (o.MlpDim, "mlp_dim"), (o.Heads, "heads"), (o.VocabSize, "vocab_size") })
                    Check(value >= 0, $"olmo.{key}", $"must be >= 0 (0 = the preset's), got {value}");
                if (Presets.Contains(o.Preset) && o.Layers >= 0 && o.Hidden >= 0 && o.MlpDim >= 0 && o.Heads >= 0)
                {
                    var shape = Pipeline.OlmoRunGraph.Shape(o, Math.Max(o.VocabSize, 1), Math.Max(d.Packing.SeqLen, 1));
                    Check(shape.Hidden % shape.Heads == 0, o.Heads > 0 ? "olmo.heads" : "olmo.hidden",
                        $"heads ({shape.Heads}) must divide hidden ({shape.Hidden})");
                    if (shape.Hidden % shape.Heads == 0)
                        Check(shape.HeadDim % 2 == 0, o.Heads > 0 ? "olmo.heads" : "olmo.hidden",
                            $"the head width hidden / heads = {shape.HeadDim} must be even (rotary embeddings rotate pairs)");
                    Check(shape.MlpDim % 2 == 0, "olmo.mlp_dim", $"must be even (the fused SwiGLU input holds value and gate halves), got {shape.MlpDim}");
                }
                NonNegative(o.WeightDecay, "olmo.weight_decay");
                Check(o.Beta2 is >= 0 and < 1, "olmo.beta2", $"must be in [0, 1) (AdamW's second-moment decay), got {Show(o.Beta2)}");
                NonNegative(o.ClipGradNorm, "olmo.clip_grad_norm");
                AtLeast(o.CheckpointEvery, 0, "olmo.checkpoint_every");
                OneOf(o.Precision, [.. Models.MixedPrecision.Names], "olmo.precision", "precision");
                AtLeast(o.GradAccumulation, 1, "olmo.grad_accumulation");
                AtLeast(o.EvalEvery, 1, "olmo.eval_every");
                AtLeast(o.EvalInstances, 1, "olmo.eval_instances");
                if (AtLeast(o.GradAccumulation, 1, "olmo.grad_accumulation"))
                    Check(d.Packing.BatchSize % o.GradAccumulation == 0, "olmo.grad_accumulation",
                        $"must divide data.packing.batch_size ({d.Packing.BatchSize}), got {o.GradAccumulation}");
                ReferenceTasks(o.ReferenceTasks, [.. d.Tasks.Select(t => t.TaskName)]);
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
        OneOf(d.Tokenizer.Kind, [.. Retention.Data.TextTokenizer.Kinds], "data.tokenizer.kind", "tokenizer kind");
        // An unknown kind is said once above, not also as a file it would need.
        if (!Retention.Data.TextTokenizer.IsBuiltIn(d.Tokenizer.Kind) && Retention.Data.TextTokenizer.Kinds.Contains(d.Tokenizer.Kind))
            Check(!string.IsNullOrWhiteSpace(d.Tokenizer.Path), "data.tokenizer.path", $"a {d.Tokenizer.Kind} tokenizer needs a file path");
        AtLeast(d.Packing.SeqLen, 4, "data.packing.seq_len");
        AtLeast(d.Packing.BatchSize, 1, "data.packing.batch_size");
        AtLeast(d.Packing.HeldOutEvery, 0, "data.packing.held_out_every");
        // One in one is every document: nothing is left to train on, and a source repeated forever would be read forever.
        Check(d.Packing.HeldOutEvery != 1, "data.packing.held_out_every",
            "1 holds out every document, leaving none to train on; give 0 (no validation set) or n ≥ 2 (one document in n)");
        AtLeast(d.Packing.ValidationRows, 0, "data.packing.validation_rows");
        AtLeast(d.Packing.Prefetch, 1, "data.packing.prefetch");
        AtLeast(d.Tokenizer.Threads, 0, "data.tokenizer.threads");
        for (var i = 0; i < d.Tasks.Count; i++)
        {
            var t = d.Tasks[i];
            OneOf(t.Kind, TaskKinds, $"data.tasks[{i}].kind", "task kind");
            OneOf(t.Tokens, [.. Retention.Data.TaskVocabulary.Modes], $"data.tasks[{i}].tokens", "tokens mode");
            Check(Retention.Data.InjectionSchedule.IsAcceptedFrequency(t.Frequency), $"data.tasks[{i}].frequency",
                $"must be in {Retention.Data.InjectionSchedule.AcceptedRange} (injected instances per training token), got {Show(t.Frequency)}");
            AtLeast(t.Gap, 1, $"data.tasks[{i}].gap");
            // The sizes' own rules at their keys (the task's constructor would say them in its parameters' names).
            Check(t.Items == 0 || t.Items >= 2, $"data.tasks[{i}].items",
                $"must be 0 (the kind's default: {TaskItemDefaults}) or at least 2, got {t.Items}");
            AtLeast(t.Instances, 2, $"data.tasks[{i}].instances");
            if (t.Instances >= 2)
                Check(t.TrainInstances >= 1 && t.TrainInstances < t.Instances, $"data.tasks[{i}].train_instances",
                    $"must be in 1..{t.Instances - 1} (instances {t.Instances}: the rest are the held-out test split), got {t.TrainInstances}");
            if (!TaskKinds.Contains(t.Kind) || t.Items is < 0 or 1 || t.Instances < 2 || t.TrainInstances < 1 || t.TrainInstances >= t.Instances) continue;
            // The task itself decides what its sizes allow (pairs to draw instances from, the split).
            Retention.Data.InjectedTask task;
            try { task = Retention.Data.InjectedTask.Create(t); }
            catch (ArgumentException e) { Check(false, $"data.tasks[{i}]", Sentence(e)); continue; }
            // tokens: existing: the ids listed must match the task's sizes (the run's own rule; the ids' range needs the tokenizer).
            foreach (var (key, problem) in Retention.Data.TaskVocabulary.ListedIdProblems(t, task))
                Check(false, $"data.tasks[{i}].{key}", $"{key} {problem}");
        }
        if (_errors.Count == 0 && d.Tasks.Count > 0 && d.Packing.SeqLen >= 4 && d.Packing.BatchSize >= 1)
        {
            // One injection must fit in half of the batch's rows: the injector's own rule.
            // Token ids do not matter to the capacity: appended ids need no tokenizer (and sampling from a
            // made-up vocabulary of this size would cost a permutation of it).
            try { Retention.Data.Injector.Create([.. d.Tasks.Select(t => t with { Tokens = Retention.Data.TaskVocabulary.Append })], d.Packing, 1 << 20, -1, spec.Seed); }
            catch (ArgumentException e) { Check(false, "data.tasks", Sentence(e)); }
        }
    }

    private void Train(TrainSpec t)
    {
        if (AtLeast(t.Steps, 1, "train.steps"))
            Check(t.Steps <= MaxSteps, "train.steps", $"must be at most {MaxSteps:N0}, got {t.Steps:N0}");
        AtLeast(t.BatchSize, 1, "train.batch_size");
        OneOf(t.Optimizer, Optimizers, "train.optimizer", "optimizer");
        if (Positive(t.Lr, "train.lr"))
            Check(t.Lr <= float.MaxValue, "train.lr", $"must be at most {float.MaxValue:G3} (training computes in float32), got {Show(t.Lr)}");
        OneOf(t.LrSchedule, Schedules, "train.lr_schedule", "lr_schedule");
        Check(t.MinLrRatio is >= 0 and <= 1, "train.min_lr_ratio", $"must be between 0 and 1, got {Show(t.MinLrRatio)}");
        if (AtLeast(t.WarmupSteps, 0, "train.warmup_steps") && t.Steps >= 1)
            Check(t.WarmupSteps < t.Steps, "train.warmup_steps",
                $"must be less than train.steps ({t.Steps}), got {t.WarmupSteps}");
        AtLeast(t.LogEvery, 1, "train.log_every");
        NonNegative(t.InitScale, "train.init_scale");
        Check(t.MaxLossRatio == 0 || double.IsFinite(t.MaxLossRatio) && t.MaxLossRatio > 1, "train.max_loss_ratio",
            $"must be 0 (off) or a finite number > 1, got {Show(t.MaxLossRatio)}");
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

    private static readonly string[] ProbePositions = ["tok1", "tok2"];

    private void Advise(PipelineSpec spec)
    {
        if (spec.Analysis.Advise is not { } a) return;
        if (spec.Experiment == "synthetic")
        {
            // Its settings for trained runs are keys a synthetic pipeline does not read (ExperimentKeys), refused there.
            Check(spec.Synthetic.Rare is not null, "analysis.advise", "synthetic advice is about a rare task: add synthetic.rare");
            return;
        }
        Check(spec.Experiment == "olmo", "analysis.advise", $"advice comes from synthetic or OLMo runs, not experiment: {spec.Experiment}");
        Check(a.TargetAccuracy is > 0 and <= 1, "analysis.advise.target_accuracy", $"must be in (0, 1], got {Show(a.TargetAccuracy)}");
        OneOf(a.Kind, TaskKinds, "analysis.advise.kind", "task kind");
        AtLeast(a.Size, 0, "analysis.advise.size");
        Check(a.Frequency == 0 || Retention.Data.InjectionSchedule.IsAcceptedFrequency(a.Frequency), "analysis.advise.frequency",
            $"must be 0 (none) or in {Retention.Data.InjectionSchedule.AcceptedRange}, got {Show(a.Frequency)}");
        Check((a.Size > 0) == (a.Frequency > 0), "analysis.advise", "size and frequency go together: both set (compare the two levers there) or neither");
    }

    private void ReferenceTasks(IReadOnlyList<ReferenceTaskSpec> references, IReadOnlyList<string> injected)
    {
        for (int i = 0; i < references.Count; i++)
        {
            var (r, at) = (references[i], $"olmo.reference_tasks[{i}]");
            Check(IdentifierRegex().IsMatch(r.TaskName) && !injected.Contains(r.TaskName) && references.Take(i).All(e => e.TaskName != r.TaskName), $"{at}.name",
                $"'{r.TaskName}' must be a name (letters, digits, '_') no injected or other reference task has" + (r.Name is null ? " (the default, ref_<operation>: give each a name)" : ""));
            OneOf(r.Operation, Retention.Data.ReferenceTask.Operations, $"{at}.operation", "operation");
            Check(r.Digits is >= 1 and <= 9, $"{at}.digits", $"must be in 1..9, got {r.Digits}");
            AtLeast(r.Instances, 1, $"{at}.instances");
            Check(r.Template.EndsWith("{c}", StringComparison.Ordinal) && r.Template.IndexOf("{c}", StringComparison.Ordinal) == r.Template.Length - 3
                && r.Template.Contains("{a}") && r.Template.Contains("{b}")
                && r.Template.TrimEnd().Length > "{c}".Length, $"{at}.template",
                $"must contain {{a}} and {{b}} and end with {{c}}, the answer, its only {{c}} (e.g. '{{a}} {{op}} {{b}} = {{c}}'), got '{r.Template}'");
        }
    }

    /// <summary>Keys the experiment does not read (<see cref="ExperimentKeys"/>), wherever they were written. A value
    /// equal to its default changes nothing and passes: pipeline.yaml files written before these keys were left
    /// out of them carry every default, and must load again for analyze and --resume.</summary>
    private void Unread(PipelineSpec spec)
    {
        // An unread key inside an optional section (analysis.advise's) is compared with the section's own default.
        var defaults = new PipelineSpec { Name = spec.Name, Analysis = new() { Advise = new() } };
        foreach (var (path, instead) in ExperimentKeys.Unread(spec.Experiment))
            foreach (var written in WrittenLeaves(path).Where(w => !SameValue(ValueAt(spec, w), ValueAt(defaults, w))))
                Check(false, written, $"experiment: {spec.Experiment} does not read '{written}' ({instead}); remove it");
    }

    /// <summary>A tokenizer file its kind does not read would be listed in run.yaml as if the run had read it; it is
    /// left behind most often by a --set of the tokenizer mapping, which merges into the file's (kind: gpt2 over bpe).
    /// Stored files of earlier sweeps may hold such keys and still load.</summary>
    private void UnreadTokenizerFiles(PipelineSpec spec)
    {
        if (spec.Data?.Tokenizer is not { } t || !Retention.Data.TextTokenizer.Kinds.Contains(t.Kind)) return;
        var read = Retention.Data.TextTokenizer.FileKeys(t.Kind);
        foreach (var (key, value) in new[] { ("path", t.Path), ("merges_path", t.MergesPath) })
        {
            if (string.IsNullOrWhiteSpace(value) || read.Contains(key)) continue;
            var reads = read.Count == 0 ? "reads no file (it is built in)" : $"reads {string.Join(" and ", read.Select(k => $"data.tokenizer.{k}"))} only";
            Check(false, $"data.tokenizer.{key}", $"a {t.Kind} tokenizer {reads}, so this file would never be read; remove it "
                + $"(a --set data.tokenizer={{...}} merges into this mapping; --set data.tokenizer.{key}= clears the key)");
        }
    }

    /// <summary>An optional section written with no value (`das:`, `rare: ~`) reads as null, which leaves it out: a user
    /// who wrote it meant it on with its defaults ("present = on"), and got a run without it, silently. Only what the
    /// file wrote is refused: an empty --set value clears a key on purpose.</summary>
    private void EmptySections(Type record, string prefix)
    {
        foreach (var field in SpecSchema.FieldsOf(record).Where(f => f.Kind == FieldKind.Record))
        {
            var path = prefix + field.Key;
            var node = _index.At(path);
            if (node is not null && YamlTree.IsNull(node)
                && _sources.SourceOf(node) == _sources.FileSource && SpecSchema.IsOptionalSection(record, field))
                Check(false, path, $"is empty, which leaves it out as if it were not written; write '{field.Key}: {{}}' for its defaults, or remove the line");
            else if (node is YamlMappingNode)
                EmptySections(field.Type, path + ".");
        }
    }

    /// <summary>Listed ids a task's tokens mode never reads (append and sampled choose their own): most often tokens:
    /// existing was meant, or the mode was changed and the lists left behind. Stored files of earlier sweeps still load.</summary>
    private void UnreadTaskIds(PipelineSpec spec)
    {
        var tasks = spec.Data?.Tasks ?? [];
        for (var i = 0; i < tasks.Count; i++)
            foreach (var (key, ids) in new[] { ("item_ids", tasks[i].ItemIds), ("label_ids", tasks[i].LabelIds) })
                Check(ids.Count == 0 || tasks[i].Tokens == Retention.Data.TaskVocabulary.Existing, $"data.tasks[{i}].{key}",
                    $"is read only with tokens: existing; this task's tokens: {tasks[i].Tokens} chooses its own ids: remove it, or set tokens: existing");
    }

    /// <summary>A column key the plot's kind does not read (<see cref="PlotKeys"/>) names a column the plot never draws:
    /// most often the key meant was the other one (value for series). Stored files of earlier sweeps may hold one and still load.</summary>
    private void UnreadPlotKeys(AnalysisSpec analysis)
    {
        for (var i = 0; i < analysis.Plots.Count; i++)
        {
            var plot = analysis.Plots[i];
            var written = new Dictionary<string, string?> { ["value"] = plot.Value, ["series"] = plot.Series };
            foreach (var (key, instead) in PlotKeys.Unread(plot.Kind).Where(u => written[u.Key] is not null))
                Check(false, $"analysis.plots[{i}].{key}", $"{PlotKeys.Plural(plot.Kind)} do not read '{key}'; {instead}");
        }
    }

    private static object? ValueAt(object? record, string path)
    {
        foreach (var key in path.Split('.'))
            record = record is null || SpecSchema.Find(record.GetType(), key) is not { } field ? null : field.Property.GetValue(record);
        return record;
    }

    private static bool SameValue(object? a, object? b) => a is System.Collections.IEnumerable x and not string && b is System.Collections.IEnumerable y and not string
        ? x.Cast<object?>().SequenceEqual(y.Cast<object?>())
        : Equals(a, b);

    /// <summary>The paths written under <paramref name="path"/>, down to values (a swept one is then named in the sweep list).</summary>
    private IEnumerable<string> WrittenLeaves(string path) => _index.At(path) switch
    {
        null => [],
        YamlMappingNode mapping => mapping.Children.Keys.Select(YamlTree.KeyText).OfType<string>().SelectMany(k => WrittenLeaves($"{path}.{k}")),
        _ => [path],
    };

    private void Probes(PipelineSpec spec)
    {
        if (spec.Probes is not { } p) return;
        if (!Check(spec.Experiment == "olmo", "probes", $"probes run in OLMo runs (experiment: olmo), not experiment: {spec.Experiment}")) return;
        AtLeast(p.Every, 0, "probes.every");
        var tasks = spec.Data?.Tasks ?? [];
        int layers = 0, hidden = 0, mlp = 0;
        if (spec.Olmo is { } o && Presets.Contains(o.Preset) && o.Layers >= 0 && o.Hidden >= 0 && o.MlpDim >= 0)
        {
            var shape = Pipeline.OlmoRunGraph.Shape(o, 1, 1);
            (layers, hidden, mlp) = (shape.Layers, shape.Hidden, shape.MlpDim);
        }
        // A task whose kind is already an error, or one the binder mended, leaves the list's kinds unknown: a probe's
        // "needs a comparison task" would only repeat that error, naming a task the user did write.
        bool tasksKnown = !_mended.TouchesOrUnder("data.tasks") && tasks.All(t => TaskKinds.Contains(t.Kind));
        void Task(string name, string path, string? kind)
        {
            if (!tasksKnown) return;
            var candidates = tasks.Where(t => kind is null || t.Kind == kind).ToList();
            if (name.Length == 0)
                Check(candidates.Count > 0, path, $"needs {(kind is null ? "an injected" : $"a {kind.Replace('_', ' ')}")} task in data.tasks to probe");
            else
                Check(candidates.Any(t => t.TaskName == name), path,
                    $"no {(kind ?? "injected").Replace('_', ' ')} task named '{name}' in data.tasks; " + (candidates.Count > 0
                        ? $"there are: {string.Join(", ", candidates.Select(t => t.TaskName))}"
                        : $"it has none{(kind is null ? "" : $" of kind {kind}")}: add one"));
        }
        void Layer(int layer, string path) => Check(layer >= 0 && (layers == 0 || layer <= layers), path,
            $"must be between 0 (the embeddings) and the model's {layers} layers, got {layer}");
        if (p.Das is { } das)
        {
            Task(das.Task, "probes.das.task", "comparison");
            Layer(das.Layer, "probes.das.layer");
            OneOf(das.Position, ProbePositions, "probes.das.position", "position");
            if (AtLeast(das.Rank, 1, "probes.das.rank") && hidden > 0)
                Check(das.Rank <= hidden, "probes.das.rank", $"must be at most the hidden width {hidden}, got {das.Rank}");
            AtLeast(das.Steps, 1, "probes.das.steps");
            Positive(das.Lr, "probes.das.lr");
            AtLeast(das.BatchSize, 1, "probes.das.batch_size");
            AtLeast(das.TrainPairs, 1, "probes.das.train_pairs");
            AtLeast(das.TestPairs, 1, "probes.das.test_pairs");
        }
        if (p.Fourier is { } fourier)
        {
            Task(fourier.Task, "probes.fourier.task", "modular_addition");
            Layer(fourier.Layer, "probes.fourier.layer");
            OneOf(fourier.Position, ProbePositions, "probes.fourier.position", "position");
            // A modulus p has (p − 1)/2 frequencies: more keys were cut to them without a word, and key_share was then 1.
            if (AtLeast(fourier.KeyFrequencies, 1, "probes.fourier.key_frequencies")
                && tasks.Where(t => t.Kind == "modular_addition" && t.Items >= 0 && (fourier.Task == "" || t.TaskName == fourier.Task))
                        .Select(t => t.Items == 0 ? Retention.Data.ModularAdditionTask.DefaultModulus : t.Items)
                        .DefaultIfEmpty(int.MaxValue).Min() is var p2 and >= 3 and < int.MaxValue)
                Check(fourier.KeyFrequencies <= (p2 - 1) / 2, "probes.fourier.key_frequencies",
                    $"must be at most {(p2 - 1) / 2}, the frequencies of modulus {p2} (1 … (p − 1)/2), got {fourier.KeyFrequencies}");
        }
        if (p.Gradients is { } gradients)
        {
            Task(gradients.Task, "probes.gradients.task", null);
            if (AtLeast(gradients.Neurons, 1, "probes.gradients.neurons") && mlp > 0)
                Check(gradients.Neurons <= mlp / 2, "probes.gradients.neurons", $"must be at most the {mlp / 2} first-layer MLP neurons, got {gradients.Neurons}");
            AtLeast(gradients.Instances, 0, "probes.gradients.instances");
        }
        if (p.InjectionEval is { } eval)
            AtLeast(eval.Instances, 1, "probes.injection_eval.instances");
    }

    /// <summary>probes.injection_eval measures around the injections of gapped tasks only: without one it wrote an empty
    /// table, without a word. Not asked of stored files: earlier versions accepted them.</summary>
    private void InjectionEvalTask(PipelineSpec spec)
    {
        if (spec is not { Experiment: "olmo", Probes.InjectionEval: not null }) return;
        var tasks = spec.Data?.Tasks ?? [];
        if (_mended.TouchesOrUnder("data.tasks") || tasks.Any(t => !TaskKinds.Contains(t.Kind))) return;   // said at the task
        long gap = Training.InjectionPhases.MinDenseGap;
        Check(tasks.Any(t => t.Gap >= gap), "probes.injection_eval",
            $"needs a task with gap >= {gap} in data.tasks: it measures just before and after each injection and between them, " +
            "which needs room between injections; " + (tasks.Count == 0 ? "there is no task"
                : $"the tasks' gaps: {string.Join(", ", tasks.Select(t => $"{t.TaskName} {t.Gap}"))}"));
    }

    /// <summary>What a run needs against what this machine has: refused here rather than after the
    /// kernel kills it. GPU memory is not known until the run is on its machine, so only CPU runs are checked.</summary>
    private void Resources(PipelineSpec spec)
    {
        if (_errors.Count > 0 || spec.Device != "cpu") return;
        long host = ResourceEstimate.HostBytes();
        // A key the binder dropped reads its default here (data.packing's 64 × 2048 tokens): an estimate of a run nobody
        // wrote would follow the binding error as a second one.
        bool Mended(params string[] paths) => paths.Any(_mended.TouchesOrUnder);
        if (spec.Experiment == "synthetic" && !Mended("synthetic", "train.batch_size"))
        {
            double need = ResourceEstimate.SyntheticBytes(spec);
            var s = spec.Synthetic;
            var defaults = (Synthetic: new SyntheticSpec(), Train: new TrainSpec());
            Check(need <= host, Culprit("synthetic",
                    ("synthetic.width", s.Width, defaults.Synthetic.Width), ("synthetic.tasks", s.Tasks, defaults.Synthetic.Tasks),
                    ("synthetic.dims_per_task", s.DimsPerTask, defaults.Synthetic.DimsPerTask),
                    ("train.batch_size", spec.Train.BatchSize, defaults.Train.BatchSize)),
                $"a run of width {spec.Synthetic.Width} over D = {ResourceEstimate.SyntheticInputDims(spec.Synthetic):N0} input dimensions " +
                $"at batch {spec.Train.BatchSize} needs about {ResourceEstimate.GiB(need)}; this machine has {ResourceEstimate.GiB(host)} " +
                "(lower train.batch_size, synthetic.width, or the input dimensions: synthetic.tasks × dims_per_task)");
        }
        else if (spec is { Experiment: "olmo", Olmo: { } o, Data: { } d } && Presets.Contains(o.Preset) && !Mended("olmo", "data.packing"))
        {
            var shape = Pipeline.OlmoRunGraph.Shape(o, o.VocabSize > 0 ? o.VocabSize : 50_304, d.Packing.SeqLen);
            double need = ResourceEstimate.OlmoBytes(shape, d.Packing.BatchSize / Math.Max(o.GradAccumulation, 1), d.Packing.SeqLen);
            Check(need <= host, "olmo",
                $"the {o.Preset} shape ({shape.ParameterCount():N0} parameters) at {d.Packing.BatchSize / Math.Max(o.GradAccumulation, 1)} rows of " +
                $"{d.Packing.SeqLen} tokens per micro-batch needs about {ResourceEstimate.GiB(need)}; this machine has {ResourceEstimate.GiB(host)} " +
                "(raise olmo.grad_accumulation, or lower data.packing.batch_size or seq_len)");
        }
    }

    /// <summary>Where a refusal over several keys is shown: the written key grown furthest past its default (a file that
    /// writes only train.batch_size is shown there, not at 1:1 for a synthetic section it lacks), else <paramref name="section"/>.</summary>
    private string Culprit(string section, params (string Path, double Value, double Default)[] keys) =>
        keys.Where(k => _index.At(k.Path) is not null && k.Value > k.Default)
            .OrderByDescending(k => k.Value / k.Default)
            .Select(k => k.Path)
            .FirstOrDefault() ?? section;

    /// <summary>An exception's message as a sentence of this file's style (no trailing period, lower case start).</summary>
    private static string Sentence(Exception e)
    {
        var m = e.Message.TrimEnd('.');
        var cut = m.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) m = m[..cut];
        return m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;
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
        Check(allowed.Contains(value), path, KeySuggestions.UnknownKey(value, allowed, what));

    private bool Check(bool ok, string path, string message)
    {
        if (ok) return true;
        if (_mended.Covers(path)) return false;
        _errors.Add(_index.ErrorAt(_sources, path, message));
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
}
