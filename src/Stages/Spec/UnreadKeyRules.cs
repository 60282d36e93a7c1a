using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Rules against keys a run never reads: the experiment's, a source format's, a tokenizer kind's files, a tokens mode's
/// listed ids, a plot kind's columns. Each would leave a new file doing nothing it says; stored files of earlier sweeps
/// may hold them and still load, so none is asked of those.
/// </summary>
internal static class UnreadKeyRules
{
    /// <summary>Keys the experiment does not read (<see cref="ExperimentKeys"/>), wherever they were written. A value
    /// equal to its default changes nothing and passes: pipeline.yaml files written before these keys were left
    /// out of them carry every default, and must load again for analyze and --resume. A section the experiment has
    /// no default for is refused whole, whatever it holds.</summary>
    public static void UnreadExperimentKeys(SpecChecks c, PipelineSpec spec)
    {
        var experiment = c.Index.At("experiment") is null ? $"experiment: {spec.Experiment} (the default: the file writes no experiment key)"
            : $"experiment: {spec.Experiment}";
        foreach (var (path, instead) in ExperimentKeys.Unread(spec.Experiment))
        {
            if (AbsentSection(path))
            {
                // A section this experiment has no default for (olmo or data in a synthetic file) written at all, even
                // `olmo: {preset: 4M}` or `olmo: {}`, says the file meant an experiment that reads it: most often it
                // lacks `experiment: olmo`, so "remove it" alone would be the wrong advice. No stored file holds one.
                if (c.Index.At(path) is { } node && !(YamlTree.IsNull(node) && c.Sources.SourceOf(node) != c.Sources.FileSource))
                    c.Check(false, path, $"{experiment} does not read '{path}' ({instead}), not even at its defaults: "
                        + $"{ExperimentKeys.ReadersOf(path)}, or remove the section");
                continue;
            }
            foreach (var written in WrittenLeaves(c.Index, path).Where(w => !SameValue(ValueAt(spec, w), ValueAt(Defaults, w))))
                c.Check(false, written, $"{experiment} does not read '{written}' ({instead}); remove it");
        }
    }

    // An unread key inside an optional section (analysis.advise's) is compared with the section's own default.
    private static readonly PipelineSpec Defaults = new() { Name = "defaults", Analysis = new() { Advise = new() } };

    /// <summary>Whether <paramref name="path"/> is an unread section absent by default (olmo, data): refused whole
    /// by <see cref="UnreadExperimentKeys"/>, so the empty-section rule leaves it alone.</summary>
    public static bool AbsentSection(string path) => ValueAt(Defaults, path) is null;

    /// <summary>A source's keys its format never reads (<see cref="Retention.Data.DataSourceSpec.UnreadKeys"/>): an
    /// <c>eos_token_id</c> on a text source does not change its separator, and a pre-tokenized source has no document
    /// shuffle. A value at its default passes (stored files of earlier versions wrote every key out).</summary>
    public static void UnreadSourceKeys(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Data is not { Sources: var list }) return;
        var unset = new Retention.Data.DataSourceSpec { Paths = [] };
        for (int i = 0; i < list.Count; i++)
            foreach (var key in Retention.Data.DataSourceSpec.UnreadKeys(list[i].Format))
            {
                var path = $"data.sources[{i}].{key}";
                if (SameValue(ValueAt(list[i], key), ValueAt(unset, key))) continue;
                c.Check(false, path, list[i].Format == "dolma"
                    ? "a text source (format: dolma) is tokenized by data.tokenizer, whose EOS separates its documents; this key is for format: pretokenized files only: remove it"
                    : "a pre-tokenized source is read in file order, its documents unshuffled (shuffle_shards orders the files afresh each epoch): remove it");
            }
    }

    /// <summary>A tokenizer file its kind does not read would be listed in run.yaml as if the run had read it; it is
    /// left behind most often by a --set of the tokenizer mapping, which merges into the file's (kind: gpt2 over bpe).</summary>
    public static void UnreadTokenizerFiles(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Data?.Tokenizer is not { } t || !Retention.Data.TextTokenizer.Kinds.Contains(t.Kind)) return;
        var read = Retention.Data.TextTokenizer.FileKeys(t.Kind);
        foreach (var (key, value) in new[] { ("path", t.Path), ("merges_path", t.MergesPath) })
        {
            if (string.IsNullOrWhiteSpace(value) || read.Contains(key)) continue;
            var reads = read.Count == 0 ? "reads no file (it is built in)" : $"reads {string.Join(" and ", read.Select(k => $"data.tokenizer.{k}"))} only";
            c.Check(false, $"data.tokenizer.{key}", $"a {t.Kind} tokenizer {reads}, so this file would never be read; remove it "
                + $"(a --set data.tokenizer={{...}} merges into this mapping; --set data.tokenizer.{key}= clears the key)");
        }
    }

    /// <summary>Listed ids a task's tokens mode never reads (append and sampled choose their own): most often tokens:
    /// existing was meant, or the mode was changed and the lists left behind.</summary>
    public static void UnreadTaskIds(SpecChecks c, PipelineSpec spec)
    {
        var tasks = spec.Data?.Tasks ?? [];
        for (var i = 0; i < tasks.Count; i++)
            foreach (var (key, ids) in new[] { ("item_ids", tasks[i].ItemIds), ("label_ids", tasks[i].LabelIds) })
                c.Check(ids.Count == 0 || tasks[i].Tokens == Retention.Data.TaskVocabulary.Existing, $"data.tasks[{i}].{key}",
                    $"is read only with tokens: existing; this task's tokens: {tasks[i].Tokens} chooses its own ids: remove it, or set tokens: existing");
    }

    /// <summary>A key the plot's kind does not read (<see cref="PlotKeys"/>) names a column the plot never draws (most often
    /// the key meant was the other one, value for series), or a colour scale it does not have.</summary>
    public static void UnreadPlotKeys(SpecChecks c, AnalysisSpec analysis)
    {
        for (var i = 0; i < analysis.Plots.Count; i++)
        {
            var plot = analysis.Plots[i];
            var written = new Dictionary<string, object?> { ["value"] = plot.Value, ["series"] = plot.Series, ["value_range"] = plot.ValueRange };
            foreach (var (key, instead) in PlotKeys.Unread(plot.Kind).Where(u => written[u.Key] is not null))
                c.Check(false, $"analysis.plots[{i}].{key}", $"{PlotKeys.Plural(plot.Kind)} do not read '{key}'; {instead}");
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
    private static IEnumerable<string> WrittenLeaves(NodeIndex index, string path) => index.At(path) switch
    {
        null => [],
        YamlMappingNode mapping => mapping.Children.Keys.Select(YamlTree.KeyText).OfType<string>().SelectMany(k => WrittenLeaves(index, $"{path}.{k}")),
        _ => [path],
    };
}
