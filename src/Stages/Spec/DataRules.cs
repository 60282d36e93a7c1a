namespace Retention.Spec;

/// <summary>Rules on the data section as a whole: that the experiment has one, its tokenizer and its packing; the OLMo
/// model, the sources and the injected tasks have rule groups of their own, run from here in this order.</summary>
internal static class DataRules
{
    public static void Check(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Data is not { } d)
        {
            MissingSections(c, spec);
            return;
        }
        // A synthetic file's data section is refused whole (UnreadKeyRules): its own errors ("needs at least one
        // source", a missing shard) would only ask for more of a section the run never reads.
        if (ExperimentKeys.UnreadAt(spec.Experiment, "data") is not null) return;
        if (spec.Experiment == "olmo") OlmoRules.Check(c, spec.Olmo, d);
        DataSourceRules.Check(c, d.Sources);
        c.OneOf(d.Tokenizer.Kind, [.. Retention.Data.TextTokenizer.Kinds], "data.tokenizer.kind", "tokenizer kind");
        // An unknown kind is said once above, not also as a file it would need.
        if (!Retention.Data.TextTokenizer.IsBuiltIn(d.Tokenizer.Kind) && Retention.Data.TextTokenizer.Kinds.Contains(d.Tokenizer.Kind))
            c.Check(!string.IsNullOrWhiteSpace(d.Tokenizer.Path), "data.tokenizer.path", $"a {d.Tokenizer.Kind} tokenizer needs a file path");
        c.AtLeast(d.Packing.SeqLen, 4, "data.packing.seq_len");
        c.AtLeast(d.Packing.BatchSize, 1, "data.packing.batch_size");
        c.AtLeast(d.Packing.HeldOutEvery, 0, "data.packing.held_out_every");
        // One in one is every document: nothing is left to train on, and a source repeated forever would be read forever.
        c.Check(d.Packing.HeldOutEvery != 1, "data.packing.held_out_every",
            "1 holds out every document, leaving none to train on; give 0 (no validation set) or n ≥ 2 (one document in n)");
        c.AtLeast(d.Packing.ValidationRows, 0, "data.packing.validation_rows");
        c.AtLeast(d.Packing.Prefetch, 1, "data.packing.prefetch");
        c.AtLeast(d.Tokenizer.Threads, 0, "data.tokenizer.threads");
        InjectedTaskRules.Check(c, d, spec.Seed);
    }

    /// <summary>A data or OLMo experiment without its data section.</summary>
    private static void MissingSections(SpecChecks c, PipelineSpec spec)
    {
        // Both sections an OLMo file lacks are said at once: a second validate should not find the other.
        bool olmoToo = spec.Experiment == "olmo" && spec.Olmo is null && !c.Mended.Covers("olmo");
        if (!c.Mended.Covers("data")) c.Check(spec.Experiment is not ("data" or "olmo"), "experiment",
            $"experiment: {spec.Experiment} needs a data: section (sources, tokenizer, packing, tasks)" +
            (olmoToo ? " and an olmo: section (preset, ...; olmo: {} takes every default)" : ""));
    }
}
