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
    /// <summary>The model's vocabulary (olmo.vocab_size, or the tokenizer's plus the appended task tokens), where loading
    /// knew the tokenizer's (<see cref="TokenizerFit"/>): what `validate` prints a model's parameter count from.</summary>
    public int? ModelVocab { get; init; }

    /// <summary>The run's olmo.reference_tasks could not be checked against data.packing.seq_len here (their tokenizer is
    /// fetched by the run, which checks them then): `validate` says so rather than passing them silently.</summary>
    public bool ReferenceLengthsAtRun { get; init; }
}
