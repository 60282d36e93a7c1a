using static Retention.Spec.RuleText;

namespace Retention.Spec;

/// <summary>Rules on the olmo section: the model's shape (heads, rotary pairs, SwiGLU halves), the optimizer and
/// schedule of its training, and its reference tasks.</summary>
internal static class OlmoRules
{
    /// <param name="olmo">The olmo section of an experiment: olmo, whose data section <paramref name="d"/> is.</param>
    public static void Check(SpecChecks c, OlmoSpec? olmo, DataSpec d)
    {
        if (olmo is not { } o)
        {
            c.Check(c.Mended.Covers("olmo"), "experiment", "experiment: olmo needs an olmo: section (preset, ...)");
            return;
        }
        c.OneOf(o.Preset, SpecChoices.Presets, "olmo.preset", "preset");
        foreach (var (value, key) in new[] { (o.Layers, "layers"), (o.Hidden, "hidden"), (o.MlpDim, "mlp_dim"), (o.Heads, "heads"), (o.VocabSize, "vocab_size") })
            c.Check(value >= 0, $"olmo.{key}", $"must be >= 0 (0 = the preset's), got {value}");
        if (SizesKnown(o) && o.Heads >= 0)
        {
            var shape = Pipeline.OlmoRunGraph.Shape(o, Math.Max(o.VocabSize, 1), Math.Max(d.Packing.SeqLen, 1));
            c.Check(shape.Hidden % shape.Heads == 0, o.Heads > 0 ? "olmo.heads" : "olmo.hidden",
                $"heads ({shape.Heads}) must divide hidden ({shape.Hidden})");
            if (shape.Hidden % shape.Heads == 0)
                c.Check(shape.HeadDim % 2 == 0, o.Heads > 0 ? "olmo.heads" : "olmo.hidden",
                    $"the head width hidden / heads = {shape.HeadDim} must be even (rotary embeddings rotate pairs)");
            c.Check(shape.MlpDim % 2 == 0, "olmo.mlp_dim", $"must be even (the fused SwiGLU input holds value and gate halves), got {shape.MlpDim}");
            var most = Models.OlmoConfig.MostParameters(shape.Layers, shape.Hidden, shape.MlpDim);
            c.Check(most <= long.MaxValue, o.Hidden > 0 ? "olmo.hidden" : o.MlpDim > 0 ? "olmo.mlp_dim" : "olmo.layers",
                $"layers {shape.Layers:N0}, hidden {shape.Hidden:N0} and mlp_dim {shape.MlpDim:N0} make up to {(double)most:0.#e+0} parameters (with the vocabulary), " +
                "more than a 64-bit count holds: check the sizes");
        }
        c.NonNegative(o.WeightDecay, "olmo.weight_decay");
        c.Check(o.Beta2 is >= 0 and < 1, "olmo.beta2", $"must be in [0, 1) (AdamW's second-moment decay), got {Show(o.Beta2)}");
        c.NonNegative(o.ClipGradNorm, "olmo.clip_grad_norm");
        c.AtLeast(o.CheckpointEvery, 0, "olmo.checkpoint_every");
        c.OneOf(o.Precision, [.. Models.MixedPrecision.Names], "olmo.precision", "precision");
        c.AtLeast(o.EvalEvery, 1, "olmo.eval_every");
        c.AtLeast(o.EvalInstances, 1, "olmo.eval_instances");
        if (c.AtLeast(o.GradAccumulation, 1, "olmo.grad_accumulation"))
            c.Check(d.Packing.BatchSize % o.GradAccumulation == 0, "olmo.grad_accumulation",
                $"must divide data.packing.batch_size ({d.Packing.BatchSize}), got {o.GradAccumulation}");
        ReferenceTasks(c, o.ReferenceTasks, [.. d.Tasks.Select(t => t.TaskName)]);
    }

    /// <summary>Whether the preset is known and no size is negative, so the model's layers and widths can be had
    /// (<see cref="Pipeline.OlmoRunGraph.Shape"/>; its heads are checked where they matter).</summary>
    public static bool SizesKnown(OlmoSpec o) =>
        SpecChoices.Presets.Contains(o.Preset) && o.Layers >= 0 && o.Hidden >= 0 && o.MlpDim >= 0;

    private static void ReferenceTasks(SpecChecks c, IReadOnlyList<ReferenceTaskSpec> references, IReadOnlyList<string> injected)
    {
        for (int i = 0; i < references.Count; i++)
        {
            var (r, at) = (references[i], $"olmo.reference_tasks[{i}]");
            if (NameClash(r.TaskName, i, references, injected) is { } problem)
                c.Check(false, $"{at}.name", $"'{r.TaskName}' {problem}" + (r.Name is null ? " (the default, ref_<operation>: give each a name)" : ""));
            c.OneOf(r.Operation, Retention.Data.ReferenceTask.Operations, $"{at}.operation", "operation");
            c.Check(r.Digits is >= 1 and <= 9, $"{at}.digits", $"must be in 1..9, got {r.Digits}");
            c.AtLeast(r.Instances, 1, $"{at}.instances");
            c.Check(r.Template.EndsWith("{c}", StringComparison.Ordinal) && r.Template.IndexOf("{c}", StringComparison.Ordinal) == r.Template.Length - 3
                && r.Template.Contains("{a}") && r.Template.Contains("{b}")
                && r.Template.TrimEnd().Length > "{c}".Length, $"{at}.template",
                $"must contain {{a}} and {{b}} and end with {{c}}, the answer, its only {{c}} (e.g. '{{a}} {{op}} {{b}} = {{c}}'), got '{r.Template}'");
            // A misspelt placeholder ({A}, {operator}) was written into every instance as text, and scored as such.
            foreach (var unknown in UnknownPlaceholders(r.Template))
                c.Check(false, $"{at}.template", $"'{unknown}' is no placeholder (the template fills {{a}}, {{b}}, {{op}} and {{c}}); "
                    + "as written it would be text in every instance");
        }
    }

    /// <summary>Why reference task <paramref name="i"/>'s name cannot name its task_metrics rows, or null: each reason
    /// said alone ('1abc' has only letters and digits, so "letters, digits, '_'" alone left its user guessing).</summary>
    private static string? NameClash(string name, int i, IReadOnlyList<ReferenceTaskSpec> references, IReadOnlyList<string> injected)
    {
        if (!SpecNames.IsIdentifier(name))
            return "is not a name: use letters, digits and '_', not starting with a digit";
        int task = injected.ToList().IndexOf(name);
        if (task >= 0)
            return $"is the name of injected task data.tasks[{task}]; a reference task's name must differ from every task's";
        int earlier = references.Take(i).ToList().FindIndex(e => e.TaskName == name);
        return earlier >= 0 ? $"is the name of olmo.reference_tasks[{earlier}] too; each reference task needs its own name" : null;
    }

    private static readonly string[] Placeholders = ["{a}", "{b}", "{op}", "{c}"];

    /// <summary>The distinct {name}s of <paramref name="template"/> that are none of the four it fills.</summary>
    private static IEnumerable<string> UnknownPlaceholders(string template) =>
        System.Text.RegularExpressions.Regex.Matches(template, @"\{[A-Za-z_][A-Za-z0-9_]*\}").Select(m => m.Value)
            .Where(p => !Placeholders.Contains(p)).Distinct();
}
