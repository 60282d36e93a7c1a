using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>data.packing.held_out_every above 0 with validation_rows: 0: the split still keeps one document in n out of
/// training (it does not look at validation_rows), and no validation set packs them, so they are read and thrown away,
/// where a researcher writing validation_rows: 0 expects to train on every document. A warning, not a changed stream: an
/// existing run's batches, its documents_consumed and its resume cursor all follow the split as it is.
/// Placed as errors are: at the validation_rows: 0 the runs read (the file's line, a profile's, the sweep list's value,
/// or the --set that wrote it), with held_out_every's line where it is written.</summary>
internal static class DiscardedHeldOut
{
    const string Rows = "data.packing.validation_rows", Every = "data.packing.held_out_every";

    /// <param name="root">The document after its profile and --sets, as the runs were expanded from it.</param>
    public static IEnumerable<Analysis.SweptKeyWarning> Of(IReadOnlyList<RunPlan> runs, YamlMappingNode root, IReadOnlyList<SweepAxis> axes,
        NodeIndex index, SourceMap sources)
    {
        var discarding = runs.Where(r => r.Spec is { Experiment: "olmo" or "data", Data.Packing: { HeldOutEvery: > 0, ValidationRows: 0 } }).ToList();
        if (discarding.Count == 0) yield break;
        var ids = discarding.Select(r => r.RunId).ToHashSet(StringComparer.Ordinal);
        var trees = SweepExpander.Expand(root, axes, sources).Where(t => ids.Contains(t.RunId)).Select(t => NodeIndex.Build(t.Root, index)).ToList();
        // The validation_rows: 0 that makes them discard: one value, so one place (a sweep list holds each value once).
        var rowsAt = trees.Select(t => t.ErrorAt(sources, Rows, "")).FirstOrDefault() ?? sources.ErrorAt(null, Rows, "");
        // Where each held_out_every value is written; none for the default.
        var everyAt = trees.Select(t => t.At(Every)).OfType<YamlNode>().Select(n => sources.ErrorAt(n, "", ""))
            .Select(Place(rowsAt.Source)).Distinct().ToList();

        var every = discarding.Select(r => r.Spec.Data!.Packing.HeldOutEvery).Distinct().Order().ToList();
        // The default named as such: a file that writes only validation_rows: 0 names no held_out_every.
        int byDefault = new Retention.Data.PackingSpec().HeldOutEvery;
        // A sweep of either key: which runs (the others hold nothing out, or use what they hold out).
        var which = discarding.Count == runs.Count ? "" : $" (runs {Retention.Messages.Listing.FirstFew(discarding.Select(r => r.RunId))}: {discarding.Count} of {runs.Count})";
        yield return new Analysis.SweptKeyWarning(Every, [],
            $"{Every} = {string.Join(" or ", every.Select(n => n == byDefault ? $"{n:N0} (the default)" : $"{n:N0}"))}" +
            $"{(everyAt.Count == 0 ? "" : $" ({string.Join(" and ", everyAt)})")} " +
            $"with {Rows}: 0{which}: one document in held_out_every is still kept out of training, and with no " +
            "validation rows nothing uses it, so those documents are read and discarded; set held_out_every: 0 to train on every " +
            "document, or validation_rows above 0 for a validation loss on them (runs already trained so finish as they started: " +
            "a --resume refuses a changed spec)") { Where = rowsAt.Where };
    }

    /// <summary>"line 6" in the file the warning is placed in; "o.yaml line 6" in another; a --set by itself.</summary>
    static Func<SpecError, string> Place(string warnedIn) => at =>
        at.Line == 0 ? at.Source : at.Source == warnedIn ? $"line {at.Line}" : $"{at.Source} line {at.Line}";
}
