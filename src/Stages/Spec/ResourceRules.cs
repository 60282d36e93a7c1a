namespace Retention.Spec;

/// <summary>What a run needs against the memory it will have (<see cref="MemoryBudget"/>: this machine's, or a Slurm task's
/// --mem): refused here rather than after the kernel kills it. GPU memory is not known until the run is on its machine,
/// so only CPU runs are checked (and `auto` ones where the budget knows it picks the CPU: <see cref="MemoryBudget.Holds"/>).</summary>
internal static class ResourceRules
{
    /// <summary>Checked only when no other rule failed: an estimate of a run that is wrong anyway says nothing.</summary>
    public static void Check(SpecChecks c, PipelineSpec spec, MemoryBudget budget)
    {
        if (c.Errors.Count > 0 || spec.Experiment != "synthetic" || !budget.Holds(spec.Device)) return;
        // A key the binder dropped reads its default here (data.packing's 64 × 2048 tokens): an estimate of a run nobody
        // wrote would follow the binding error as a second one.
        bool Mended(params string[] paths) => paths.Any(c.Mended.TouchesOrUnder);
        if (spec.Experiment == "synthetic" && !Mended("synthetic", "train.batch_size"))   // OLMo runs: OlmoError, once the vocabulary is known
        {
            double need = ResourceEstimate.SyntheticBytes(spec);
            var s = spec.Synthetic;
            var defaults = (Synthetic: new SyntheticSpec(), Train: new TrainSpec());
            c.Check(need <= budget.Bytes, Culprit(c.Index, "synthetic",
                    ("synthetic.width", s.Width, defaults.Synthetic.Width), ("synthetic.tasks", s.Tasks, defaults.Synthetic.Tasks),
                    ("synthetic.dims_per_task", s.DimsPerTask, defaults.Synthetic.DimsPerTask),
                    ("train.batch_size", spec.Train.BatchSize, defaults.Train.BatchSize)),
                $"a run of width {spec.Synthetic.Width} over D = {ResourceEstimate.SyntheticInputDims(spec.Synthetic):N0} input dimensions " +
                $"at batch {spec.Train.BatchSize} needs about {ResourceEstimate.GiB(need)}{budget.OnCpu(spec.Device)}; {budget.Has} " +
                $"({budget.Or}{ResourceEstimate.SyntheticLevers})", SpecErrorKind.Memory);
        }
    }

    /// <summary>An OLMo run's memory on a CPU, with the model's vocabulary as the run sizes it (<paramref name="modelVocab"/>,
    /// from its tokenizer where olmo.vocab_size is 0): the logits of a batch grow with it, and a 257-token byte vocabulary
    /// estimated as 50,304 was refused at 26 GiB where it needs a fraction of that. Null when it fits or cannot be told.</summary>
    public static SpecError? OlmoError(PipelineSpec spec, int? modelVocab, NodeIndex index, SourceMap sources, MendedPaths mended, MemoryBudget budget)
    {
        if (spec is not { Experiment: "olmo", Olmo: { } o, Data: { } d } || !SpecChoices.Presets.Contains(o.Preset)) return null;
        if (new[] { "olmo", "data.packing" }.Any(mended.TouchesOrUnder) || (o.VocabSize > 0 ? o.VocabSize : modelVocab) is not { } vocab) return null;
        if (!budget.Holds(spec.Device)) return null;   // last: on auto it loads LibTorch
        var shape = Pipeline.OlmoRunGraph.Shape(o, vocab, d.Packing.SeqLen);
        int rows = d.Packing.BatchSize / Math.Max(o.GradAccumulation, 1);
        double need = ResourceEstimate.OlmoBytes(shape, rows, d.Packing.SeqLen);
        return need <= budget.Bytes ? null : index.ErrorAt(sources, "olmo",
            $"the {o.Preset} shape ({shape.ParameterCount():N0} parameters) at {rows} rows of " +
            $"{d.Packing.SeqLen} tokens per micro-batch needs about {ResourceEstimate.GiB(need)}{budget.OnCpu(spec.Device)}; {budget.Has} " +
            $"({budget.Or}raise olmo.grad_accumulation, or lower data.packing.batch_size or seq_len)") with { Kind = SpecErrorKind.Memory };
    }

    /// <summary>Where a refusal over several keys is shown: the written key grown furthest past its default (a file that
    /// writes only train.batch_size is shown there, not at 1:1 for a synthetic section it lacks), else <paramref name="section"/>.</summary>
    private static string Culprit(NodeIndex index, string section, params (string Path, double Value, double Default)[] keys) =>
        keys.Where(k => index.At(k.Path) is not null && k.Value > k.Default)
            .OrderByDescending(k => k.Value / k.Default)
            .Select(k => k.Path)
            .FirstOrDefault() ?? section;
}
