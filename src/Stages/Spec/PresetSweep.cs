namespace Retention.Spec;

/// <summary>olmo.preset swept while olmo.layers, hidden, mlp_dim and heads are all set: the overrides replace every preset's
/// shape (0 keeps the preset's), so two presets train the same model, each run labelled with a size it does not have.</summary>
internal static class PresetSweep
{
    public static IEnumerable<Analysis.SweptKeyWarning> SameShapes(IReadOnlyList<RunPlan> runs)
    {
        const string key = "preset";
        // Runs that differ only in their preset (the other swept values equal), grouped by the shape they train.
        var same = runs.Where(r => r.Spec.Olmo is not null && r.Parameters.ContainsKey(key))
            .GroupBy(r => (Others: string.Join(",", r.Parameters.Where(p => p.Key != key).Select(p => $"{p.Key}={p.Value}")),
                           Shape: Pipeline.OlmoRunGraph.Shape(r.Spec.Olmo!, 1, 1)))
            .Select(g => (g.Key.Shape, Presets: g.Select(r => r.Spec.Olmo!.Preset).Distinct(StringComparer.Ordinal).ToList()))
            .FirstOrDefault(g => g.Presets.Count > 1);
        if (same.Presets is not { } presets) yield break;
        var s = same.Shape;
        yield return new Analysis.SweptKeyWarning("olmo.preset", [],
            $"the sweep's olmo.preset values {string.Join(" and ", presets)} train the same shape ({s.Layers} layers, hidden {s.Hidden}, " +
            $"mlp_dim {s.MlpDim}, {s.Heads} heads): olmo.layers, hidden, mlp_dim and heads replace each preset's; set them to 0 " +
            "to train the presets' own sizes, or sweep one of them instead");
    }
}
