namespace Retention.Spec;

/// <summary>
/// One cell of the sweep. <paramref name="RunId"/> is filesystem-safe and built from the sweep
/// values in sweep order, e.g. "width-16_seed-0" ("default" when there is no sweep).
/// <paramref name="Parameters"/> maps the last segment of each sweep path to the value's text,
/// in sweep order. <paramref name="Spec"/> has the values substituted and an empty Sweep;
/// <paramref name="ResolvedYaml"/> is that spec written out in full, so a run can be reproduced
/// from its artifacts alone.
/// </summary>
public sealed record RunPlan(
    string RunId,
    IReadOnlyDictionary<string, string> Parameters,
    PipelineSpec Spec,
    string ResolvedYaml)
{
    /// <summary>The size and EOS of the vocabulary the run tokenizes with, where loading knew them (OLMo and data runs):
    /// what `validate` prints a model's parameter count from.</summary>
    public Data.TokenizerIdentity? Vocabulary { get; init; }
}
