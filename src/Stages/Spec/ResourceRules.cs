namespace Retention.Spec;

/// <summary>What a run needs against what this machine has: refused here rather than after the
/// kernel kills it. GPU memory is not known until the run is on its machine, so only CPU runs are checked.</summary>
internal static class ResourceRules
{
    /// <summary>Checked only when no other rule failed: an estimate of a run that is wrong anyway says nothing.</summary>
    public static void Check(SpecChecks c, PipelineSpec spec)
    {
        if (c.Errors.Count > 0 || spec.Device != "cpu") return;
        long host = ResourceEstimate.HostBytes();
        // A key the binder dropped reads its default here (data.packing's 64 × 2048 tokens): an estimate of a run nobody
        // wrote would follow the binding error as a second one.
        bool Mended(params string[] paths) => paths.Any(c.Mended.TouchesOrUnder);
        if (spec.Experiment == "synthetic" && !Mended("synthetic", "train.batch_size"))
        {
            double need = ResourceEstimate.SyntheticBytes(spec);
            var s = spec.Synthetic;
            var defaults = (Synthetic: new SyntheticSpec(), Train: new TrainSpec());
            c.Check(need <= host, Culprit(c.Index, "synthetic",
                    ("synthetic.width", s.Width, defaults.Synthetic.Width), ("synthetic.tasks", s.Tasks, defaults.Synthetic.Tasks),
                    ("synthetic.dims_per_task", s.DimsPerTask, defaults.Synthetic.DimsPerTask),
                    ("train.batch_size", spec.Train.BatchSize, defaults.Train.BatchSize)),
                $"a run of width {spec.Synthetic.Width} over D = {ResourceEstimate.SyntheticInputDims(spec.Synthetic):N0} input dimensions " +
                $"at batch {spec.Train.BatchSize} needs about {ResourceEstimate.GiB(need)}; this machine has {ResourceEstimate.GiB(host)} " +
                "(lower train.batch_size, synthetic.width, or the input dimensions: synthetic.tasks × dims_per_task)");
        }
        else if (spec is { Experiment: "olmo", Olmo: { } o, Data: { } d } && SpecChoices.Presets.Contains(o.Preset) && !Mended("olmo", "data.packing"))
        {
            var shape = Pipeline.OlmoRunGraph.Shape(o, o.VocabSize > 0 ? o.VocabSize : 50_304, d.Packing.SeqLen);
            double need = ResourceEstimate.OlmoBytes(shape, d.Packing.BatchSize / Math.Max(o.GradAccumulation, 1), d.Packing.SeqLen);
            c.Check(need <= host, "olmo",
                $"the {o.Preset} shape ({shape.ParameterCount():N0} parameters) at {d.Packing.BatchSize / Math.Max(o.GradAccumulation, 1)} rows of " +
                $"{d.Packing.SeqLen} tokens per micro-batch needs about {ResourceEstimate.GiB(need)}; this machine has {ResourceEstimate.GiB(host)} " +
                "(raise olmo.grad_accumulation, or lower data.packing.batch_size or seq_len)");
        }
    }

    /// <summary>Where a refusal over several keys is shown: the written key grown furthest past its default (a file that
    /// writes only train.batch_size is shown there, not at 1:1 for a synthetic section it lacks), else <paramref name="section"/>.</summary>
    private static string Culprit(NodeIndex index, string section, params (string Path, double Value, double Default)[] keys) =>
        keys.Where(k => index.At(k.Path) is not null && k.Value > k.Default)
            .OrderByDescending(k => k.Value / k.Default)
            .Select(k => k.Path)
            .FirstOrDefault() ?? section;
}
