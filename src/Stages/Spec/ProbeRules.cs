namespace Retention.Spec;

/// <summary>Rules on the probes section: OLMo runs only, each probe's task, layer and sizes within the model and the
/// tasks it probes, and (for new files) injection_eval with room between injections.</summary>
internal static class ProbeRules
{
    private static readonly string[] ProbePositions = ["tok1", "tok2"];

    public static void Check(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Probes is not { } p) return;
        if (!c.Check(spec.Experiment == "olmo", "probes", $"probes run in OLMo runs (experiment: olmo), not experiment: {spec.Experiment}")) return;
        c.AtLeast(p.Every, 0, "probes.every");
        var tasks = spec.Data?.Tasks ?? [];
        int layers = 0, hidden = 0, mlp = 0;
        if (spec.Olmo is { } o && OlmoRules.SizesKnown(o))
        {
            var shape = Pipeline.OlmoRunGraph.Shape(o, 1, 1);
            (layers, hidden, mlp) = (shape.Layers, shape.Hidden, shape.MlpDim);
        }
        bool tasksKnown = TaskKindsKnown(c, tasks);
        void Task(string name, string path, string? kind)
        {
            if (!tasksKnown) return;
            var candidates = tasks.Where(t => kind is null || t.Kind == kind).ToList();
            if (name.Length == 0)
                c.Check(candidates.Count > 0, path, $"needs {(kind is null ? "an injected" : $"a {kind.Replace('_', ' ')}")} task in data.tasks to probe");
            else
                c.Check(candidates.Any(t => t.TaskName == name), path,
                    $"no {(kind ?? "injected").Replace('_', ' ')} task named '{name}' in data.tasks; " + (candidates.Count > 0
                        ? $"there are: {string.Join(", ", candidates.Select(t => t.TaskName))}"
                        : $"it has none{(kind is null ? "" : $" of kind {kind}")}: add one"));
        }
        void Layer(int layer, string path) => c.Check(layer >= 0 && (layers == 0 || layer <= layers), path,
            $"must be between 0 (the embeddings) and the model's {Messages.Counted.Of(layers, "layer")}, got {layer}");
        if (p.Das is { } das)
        {
            Task(das.Task, "probes.das.task", "comparison");
            Layer(das.Layer, "probes.das.layer");
            c.OneOf(das.Position, ProbePositions, "probes.das.position", "position");
            if (c.AtLeast(das.Rank, 1, "probes.das.rank") && hidden > 0)
                c.Check(das.Rank <= hidden, "probes.das.rank", $"must be at most the hidden width {hidden}, got {das.Rank}");
            c.AtLeast(das.Steps, 1, "probes.das.steps");
            c.Positive(das.Lr, "probes.das.lr");
            c.AtLeast(das.BatchSize, 1, "probes.das.batch_size");
            c.AtLeast(das.TrainPairs, 1, "probes.das.train_pairs");
            c.AtLeast(das.TestPairs, 1, "probes.das.test_pairs");
        }
        if (p.Fourier is { } fourier)
        {
            Task(fourier.Task, "probes.fourier.task", "modular_addition");
            Layer(fourier.Layer, "probes.fourier.layer");
            c.OneOf(fourier.Position, ProbePositions, "probes.fourier.position", "position");
            // A modulus p has (p − 1)/2 frequencies: more keys were cut to them without a word, and key_share was then 1.
            if (c.AtLeast(fourier.KeyFrequencies, 1, "probes.fourier.key_frequencies")
                && tasks.Where(t => t.Kind == "modular_addition" && t.Items >= 0 && (fourier.Task == "" || t.TaskName == fourier.Task))
                        .Select(t => t.Items == 0 ? Retention.Data.ModularAdditionTask.DefaultModulus : t.Items)
                        .DefaultIfEmpty(int.MaxValue).Min() is var p2 and >= 3 and < int.MaxValue)
                c.Check(fourier.KeyFrequencies <= (p2 - 1) / 2, "probes.fourier.key_frequencies",
                    $"must be at most {(p2 - 1) / 2}, the frequencies of modulus {p2} (1 … (p − 1)/2), got {fourier.KeyFrequencies}");
        }
        if (p.Gradients is { } gradients)
        {
            Task(gradients.Task, "probes.gradients.task", null);
            if (c.AtLeast(gradients.Neurons, 1, "probes.gradients.neurons") && mlp > 0)
                c.Check(gradients.Neurons <= mlp / 2, "probes.gradients.neurons", $"must be at most the {mlp / 2} first-layer MLP neurons, got {gradients.Neurons}");
            c.AtLeast(gradients.Instances, 0, "probes.gradients.instances");
        }
        if (p.InjectionEval is { } eval)
            c.AtLeast(eval.Instances, 1, "probes.injection_eval.instances");
    }

    /// <summary>probes.injection_eval measures around the injections of gapped tasks only: without one it wrote an empty
    /// table, without a word. Not asked of stored files: earlier versions accepted them.</summary>
    public static void InjectionEvalTask(SpecChecks c, PipelineSpec spec)
    {
        if (spec is not { Experiment: "olmo", Probes.InjectionEval: not null }) return;
        var tasks = spec.Data?.Tasks ?? [];
        if (!TaskKindsKnown(c, tasks)) return;   // said at the task
        long gap = Training.InjectionPhases.MinDenseGap;
        c.Check(tasks.Any(t => t.Gap >= gap), "probes.injection_eval",
            $"needs a task with gap >= {gap} in data.tasks: it measures just before and after each injection and between them, " +
            "which needs room between injections; " + (tasks.Count == 0 ? "there is no task"
                : $"the tasks' gaps: {string.Join(", ", tasks.Select(t => $"{t.TaskName} {t.Gap}"))}"));
    }

    /// <summary>gradients.instances and injection_eval.instances take the first instances of a task's set (all of them,
    /// or its train split): more than it has were cut to it without a word, and no table says how many were used. Not
    /// asked of stored files: earlier versions accepted them.</summary>
    public static void InstancesWithinTasks(SpecChecks c, PipelineSpec spec)
    {
        if (spec is not { Experiment: "olmo", Probes: { } p }) return;
        var tasks = spec.Data?.Tasks ?? [];
        if (!TaskKindsKnown(c, tasks)) return;
        if (p.Gradients is { Instances: > 0 } gradients
            && (gradients.Task.Length == 0 ? tasks.FirstOrDefault() : tasks.FirstOrDefault(t => t.TaskName == gradients.Task)) is { } probed)
            c.Check(gradients.Instances <= probed.Instances, "probes.gradients.instances",
                $"must be at most the {probed.Instances:N0} instances of task '{probed.TaskName}' (its instances; 0 = all of them), got {gradients.Instances:N0}");
        if (p.InjectionEval is { } eval
            && tasks.Where(t => t.Gap >= Training.InjectionPhases.MinDenseGap).MinBy(t => t.TrainInstances) is { } smallest)
            c.Check(eval.Instances <= smallest.TrainInstances, "probes.injection_eval.instances",
                $"must be at most the {smallest.TrainInstances:N0} train-split instances of task '{smallest.TaskName}' (its train_instances), " +
                $"the first of which it scores, got {eval.Instances:N0}");
    }

    /// <summary>A task whose kind is already an error, or one the binder mended, leaves the list's kinds unknown: a probe's
    /// "needs a comparison task" would only repeat that error, naming a task the user did write.</summary>
    private static bool TaskKindsKnown(SpecChecks c, IReadOnlyList<Retention.Data.InjectedTaskSpec> tasks) =>
        !c.Mended.TouchesOrUnder("data.tasks") && tasks.All(t => SpecChoices.TaskKinds.Contains(t.Kind));
}
