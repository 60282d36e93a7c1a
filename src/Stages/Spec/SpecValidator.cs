namespace Retention.Spec;

/// <summary>
/// The rules a bound spec must satisfy beyond its types, run group by group (each group's file says its section).
/// Every rule runs (errors are collected, not thrown), and each error points at the node that holds the bad value,
/// or at the nearest written ancestor when the value is a default (<see cref="SpecChecks"/>).
/// </summary>
internal static class SpecValidator
{
    public static bool IsExperiment(string experiment) => SpecChoices.Experiments.Contains(experiment);

    /// <summary>10^10 steps is centuries at the fastest step rate measured here; more is a typo.</summary>
    public const long MaxSteps = 10_000_000_000;

    /// <param name="mended">Paths the binder dropped or filled in: a rule about them would only repeat the binding error.</param>
    /// <param name="memory">What a CPU run's memory is checked against; null: not checked (profiles not selected now,
    /// which may be meant for a larger machine).</param>
    /// <param name="stored">A file this program wrote into a sweep, perhaps by an earlier version (see SpecLoader.Load).</param>
    public static IReadOnlyList<SpecError> Validate(PipelineSpec spec, NodeIndex index, SourceMap sources, MendedPaths? mended = null,
        MemoryBudget? memory = null, bool stored = false)
    {
        // The order matters: some rules run only where none before them failed (the injector's capacity, memory).
        var c = new SpecChecks(index, sources, mended ?? new MendedPaths());
        int unreadFrom = 0, unreadTo = 0;
        DocumentRules.Check(c, spec);
        SyntheticRules.Check(c, spec.Synthetic);
        TrainRules.Check(c, spec.Train);
        AnalysisRules.Check(c, spec.Analysis);
        DataRules.Check(c, spec);
        ProbeRules.Check(c, spec);
        AdviseRules.Check(c, spec);
        if (!stored)
        {
            // Rules added since earlier versions wrote stored files, which must load again.
            DataSourceRules.Names(c, spec);
            UnreadKeyRules.UnreadSourceKeys(c, spec);
            unreadFrom = c.Errors.Count;
            UnreadKeyRules.UnreadExperimentKeys(c, spec);
            unreadTo = c.Errors.Count;
            UnreadKeyRules.UnreadTokenizerFiles(c, spec);
            UnreadKeyRules.UnreadTaskIds(c, spec);
            DocumentRules.EmptySections(c, spec.Experiment, typeof(PipelineSpec), "");
            UnreadKeyRules.UnreadPlotKeys(c, spec.Analysis);
            ProbeRules.InjectionEvalTask(c, spec);
            ProbeRules.InstancesWithinTasks(c, spec);
            TrainRules.InitScale(c, spec);
            AdviseRules.KindWithoutLevers(c, spec);
            AnalysisRules.AdviceNames(c, spec.Analysis);
        }
        if (memory is not null) ResourceRules.Check(c, spec, memory);
        return WithoutRulesOnUnreadKeys(c.Errors, unreadFrom, unreadTo);
    }

    /// <summary><paramref name="errors"/> less those at a key the experiment does not read, besides the error saying so
    /// (errors[from..to)): 'train.optimizer: unknown optimizer 'sgd'; allowed: adam' above 'experiment: olmo does not read
    /// 'train.optimizer'; remove it' offered a fix the next run refuses too.</summary>
    private static IReadOnlyList<SpecError> WithoutRulesOnUnreadKeys(IReadOnlyList<SpecError> errors, int from, int to)
    {
        var unread = errors.Skip(from).Take(to - from).Select(e => e.Path).ToList();
        if (unread.Count == 0) return errors;
        return [.. errors.Where((e, i) => i >= from && i < to || !unread.Any(u => SpecPaths.IsAtOrUnder(e.Path, u)))];
    }
}
