using static Retention.Spec.RuleText;

namespace Retention.Spec;

/// <summary>Rules on data.tasks: each task's kind, frequency and sizes as the task itself allows them, and that one
/// injection fits the batch.</summary>
internal static class InjectedTaskRules
{
    private static readonly string TaskItemDefaults =
        $"{Retention.Data.ComparisonTask.DefaultItems} comparison items, modulus {Retention.Data.ModularAdditionTask.DefaultModulus} for modular addition";

    public static void Check(SpecChecks c, DataSpec d, int seed)
    {
        for (var i = 0; i < d.Tasks.Count; i++)
        {
            var t = d.Tasks[i];
            c.OneOf(t.Kind, SpecChoices.TaskKinds, $"data.tasks[{i}].kind", "task kind");
            c.OneOf(t.Tokens, [.. Retention.Data.TaskVocabulary.Modes], $"data.tasks[{i}].tokens", "tokens mode");
            c.Check(Retention.Data.InjectionSchedule.IsAcceptedFrequency(t.Frequency), $"data.tasks[{i}].frequency",
                $"must be in {Retention.Data.InjectionSchedule.AcceptedRange} (injected instances per training token), got {Show(t.Frequency)}");
            c.AtLeast(t.Gap, 1, $"data.tasks[{i}].gap");
            // The sizes' own rules at their keys (the task's constructor would say them in its parameters' names).
            c.Check(t.Items == 0 || t.Items >= 2, $"data.tasks[{i}].items",
                $"must be 0 (the kind's default: {TaskItemDefaults}) or at least 2, got {t.Items}");
            c.AtLeast(t.Instances, 2, $"data.tasks[{i}].instances");
            if (t.Instances >= 2)
                c.Check(t.TrainInstances >= 1 && t.TrainInstances < t.Instances, $"data.tasks[{i}].train_instances",
                    $"must be in 1..{t.Instances - 1} (instances {t.Instances}: the rest are the held-out test split), got {t.TrainInstances}");
            if (!SpecChoices.TaskKinds.Contains(t.Kind) || t.Items is < 0 or 1 || t.Instances < 2 || t.TrainInstances < 1 || t.TrainInstances >= t.Instances) continue;
            // The task itself decides what its sizes allow (pairs to draw instances from, the split).
            Retention.Data.InjectedTask task;
            try { task = Retention.Data.InjectedTask.Create(t); }
            catch (ArgumentException e) { c.Check(false, $"data.tasks[{i}]", Sentence(e)); continue; }
            // tokens: existing: the ids listed must match the task's sizes (the run's own rule; the ids' range needs the tokenizer).
            foreach (var (key, problem) in Retention.Data.TaskVocabulary.ListedIdProblems(t, task))
                c.Check(false, $"data.tasks[{i}].{key}", $"{key} {problem}");
        }
        if (c.Errors.Count == 0 && d.Tasks.Count > 0 && d.Packing.SeqLen >= 4 && d.Packing.BatchSize >= 1)
        {
            // One injection must fit in half of the batch's rows: the injector's own rule, said in the keys that change it.
            if (FitProblem(d) is { } problem) { c.Check(false, "data.tasks", problem); return; }
            // Token ids do not matter to the capacity: appended ids need no tokenizer (and sampling from a
            // made-up vocabulary of this size would cost a permutation of it).
            try { Retention.Data.Injector.Create([.. d.Tasks.Select(t => t with { Tokens = Retention.Data.TaskVocabulary.Append })], d.Packing, 1 << 20, -1, seed); }
            catch (ArgumentException e) { c.Check(false, "data.tasks", Sentence(e)); }
        }
    }

    /// <summary>Why one injection of the tasks does not fit half a row (<see cref="Retention.Data.InjectionFit"/>), naming the
    /// task whose frequency × gap is largest (the lever) and the packing keys; null when it fits.</summary>
    private static string? FitProblem(DataSpec d)
    {
        var schedules = d.Tasks.Select(t => Retention.Data.InjectionSchedule.Create(t.Frequency, d.Packing.TokensPerBatch, t.Gap)).ToList();
        var fit = Retention.Data.InjectionFit.Of(schedules, d.Packing.BatchSize, d.Packing.RowLength);
        if (fit.Fits) return null;
        var load = d.Tasks.Select(t => (decimal)t.Frequency * t.Gap).ToList();
        var most = load.IndexOf(load.Max());
        return $"{fit.Excess()} (an injection is ceil(frequency × batch_size × seq_len × gap) instances per task, summed over the tasks): " +
            FormattableString.Invariant($"keep the tasks' frequency × gap summed to at most about 1/8 (here {load.Sum():0.######}); ") +
            $"lower data.tasks[{most}].frequency or data.tasks[{most}].gap (raising data.packing.batch_size helps only where rounding " +
            "each task's injection up to whole instances is what overflows, in a small batch)";
    }
}
