using static Retention.Spec.RuleText;

namespace Retention.Spec;

/// <summary>Rules on analysis.advise: what advice the experiment can give, and a size some run of the sweep has.</summary>
internal static class AdviseRules
{
    public static void Check(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Analysis.Advise is not { } a) return;
        if (spec.Experiment == "synthetic")
        {
            // Its settings for trained runs are keys a synthetic pipeline does not read (ExperimentKeys), refused there.
            c.Check(spec.Synthetic.Rare is not null, "analysis.advise", "synthetic advice is about a rare task: add synthetic.rare");
            return;
        }
        c.Check(spec.Experiment == "olmo", "analysis.advise", $"advice comes from synthetic or OLMo runs, not experiment: {spec.Experiment}");
        c.Check(a.TargetAccuracy is > 0 and <= 1, "analysis.advise.target_accuracy", $"must be in (0, 1], got {Show(a.TargetAccuracy)}");
        c.OneOf(a.Kind, SpecChoices.TaskKinds, "analysis.advise.kind", "task kind");
        var sizeOk = c.AtLeast(a.Size, 0, "analysis.advise.size");
        var frequencyOk = c.Check(a.Frequency == 0 || Retention.Data.InjectionSchedule.IsAcceptedFrequency(a.Frequency), "analysis.advise.frequency",
            $"must be 0 (none) or in {Retention.Data.InjectionSchedule.AcceptedRange}, got {Show(a.Frequency)}");
        // Said at the one that is set, where it was written: at analysis.advise a --set size was reported at the file's
        // line, as though the file had it. Not said beside a wrong value of either (it would only repeat it).
        var (set, unset) = a.Size > 0 ? ("size", "frequency") : ("frequency", "size");
        c.Check(!(sizeOk && frequencyOk) || (a.Size > 0) == (a.Frequency > 0), $"analysis.advise.{set}",
            $"size and frequency go together: both set (compare the two levers there) or neither; {unset} is not set");
    }

    /// <summary>kind picks the levers' task; the boundaries and factors cover every kind the runs inject, so set alone it
    /// changed nothing, without a word. Not asked of stored files: earlier versions accepted it.</summary>
    public static void KindWithoutLevers(SpecChecks c, PipelineSpec spec)
    {
        if (spec is not { Experiment: "olmo", Analysis.Advise: { } a }) return;
        c.Check(a.Size > 0 || a.Frequency > 0 || a.Kind == new AdviseSpec().Kind, "analysis.advise.kind",
            "is the task kind of the levers (with size and frequency); without them the advice covers every task kind the runs " +
            "inject (the tables' kind column): remove it, or set size and frequency");
    }

    /// <summary>How runs inject a task at several frequencies: said by validation and by `advise` on a sweep without one.</summary>
    public const string TasksAtFrequencies = "data.tasks, one entry per frequency, as pipelines/olmo-frequency-phase.yaml does";

    /// <summary>OLMo advice reads the test accuracy of injected tasks (the levers', of their kind): a sweep none of whose runs injects one is
    /// refused before it trains for an advice it cannot give (the analysis failed after the training, hours on a GPU). Not
    /// said of a stored sweep, which loads as it was written; `advise` says there what it lacks.</summary>
    public static SpecError? TaskError(PipelineSpec spec, IReadOnlyList<RunPlan> runs, NodeIndex index, SourceMap sources)
    {
        if (spec.Experiment != "olmo" || spec.Analysis.Advise is not { } advise || runs.Count == 0) return null;
        var kinds = runs.SelectMany(r => r.Spec.Data?.Tasks ?? []).Select(t => t.Kind).ToHashSet();
        const string how = $"inject it at two or more frequencies ({TasksAtFrequencies})";
        if (kinds.Count == 0)
            return index.ErrorAt(sources, "analysis.advise", $"advice from trained runs reads the test accuracy of an injected task, and no run injects one (data.tasks is empty): {how}");
        // Without the levers any injected kind is advised on (a sweep of modular-addition tasks alone, at the default kind).
        return advise.Size <= 0 || kinds.Contains(advise.Kind) ? null : index.ErrorAt(sources, "analysis.advise.kind",
            $"advice on {advise.Kind} tasks, and no run injects one (its runs inject {string.Join(", ", kinds.Order(StringComparer.Ordinal))}): {how}, or set analysis.advise.kind");
    }

    /// <summary>analysis.advise.size names a model size: one no run of the sweep has is refused before the sweep trains for
    /// an advice it cannot give. Said only where every run's size is known (its vocabulary could be had here).</summary>
    public static SpecError? SizeError(PipelineSpec spec, IReadOnlyList<RunPlan> runs, NodeIndex index, SourceMap sources)
    {
        if (spec.Experiment != "olmo" || spec.Analysis.Advise is not { Size: > 0 } advise || runs.Count == 0) return null;
        var sizes = new SortedSet<long>();
        foreach (var run in runs)
        {
            if (run.ModelVocab is not { } vocab || run.Spec is not { Olmo: { } o, Data: { } d }) return null;
            sizes.Add(Pipeline.OlmoRunGraph.Shape(o, vocab, d.Packing.SeqLen).ParameterCount());
        }
        return sizes.Contains(advise.Size) ? null : index.ErrorAt(sources, "analysis.advise.size",
            $"no run of the sweep trains a {advise.Size:N0}-parameter model; its sizes: {string.Join(", ", sizes.Select(s => s.ToString("N0")))} (as model.arrow's parameters)");
    }
}
