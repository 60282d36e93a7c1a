namespace Retention.Spec;

/// <summary>data.packing.held_out_every above 0 with validation_rows: 0: the split still keeps one document in n out of
/// training (it does not look at validation_rows), and no validation set packs them, so they are read and thrown away,
/// where a researcher writing validation_rows: 0 expects to train on every document. A warning, not a changed stream: an
/// existing run's batches, its documents_consumed and its resume cursor all follow the split as it is.</summary>
internal static class DiscardedHeldOut
{
    public static IEnumerable<Analysis.SweptKeyWarning> Of(IReadOnlyList<RunPlan> runs)
    {
        var discarding = runs.Where(r => r.Spec is { Experiment: "olmo" or "data", Data.Packing: { HeldOutEvery: > 0, ValidationRows: 0 } }).ToList();
        if (discarding.Count == 0) yield break;
        var every = discarding.Select(r => r.Spec.Data!.Packing.HeldOutEvery).Distinct().Order().ToList();
        // The default named as such: a file that writes only validation_rows: 0 names no held_out_every.
        int byDefault = new Retention.Data.PackingSpec().HeldOutEvery;
        // A sweep of either key: which runs (the others hold nothing out, or use what they hold out).
        var which = discarding.Count == runs.Count ? "" : $" (runs {Retention.Messages.Listing.FirstFew(discarding.Select(r => r.RunId))}: {discarding.Count} of {runs.Count})";
        yield return new Analysis.SweptKeyWarning("data.packing.held_out_every", [],
            $"data.packing.held_out_every = {string.Join(" or ", every.Select(n => n == byDefault ? $"{n:N0} (the default)" : $"{n:N0}"))} " +
            $"with data.packing.validation_rows: 0{which}: one document in held_out_every is still kept out of training, and with no " +
            "validation rows nothing uses it, so those documents are read and discarded; set held_out_every: 0 to train on every " +
            "document, or validation_rows above 0 for a validation loss on them (runs already trained so finish as they started: " +
            "a --resume refuses a changed spec)");
    }
}
