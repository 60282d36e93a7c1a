namespace Retention.Spec;

/// <summary>
/// A pipeline file after profile and --set overrides. <paramref name="Spec"/> still holds the
/// sweep; <paramref name="Runs"/> are its expanded cells (one "default" run when there is no sweep).
/// Validation happens per run, so a swept field of <paramref name="Spec"/> may hold a base value
/// that no run uses and that was never checked; run code should read <see cref="RunPlan.Spec"/>.
/// <paramref name="ResolvedYaml"/> is the merged document with every default written out and
/// the profiles removed: loading it again yields the same spec and the same runs.
/// </summary>
public sealed record LoadedPipeline(
    string SourceName,
    string? Profile,
    PipelineSpec Spec,
    string ResolvedYaml,
    IReadOnlyList<RunPlan> Runs)
{
    /// <summary>What relative paths in the file (data sources, tokenizer files) resolve against: the
    /// file's folder, or the --data-dir given.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>The profiles the file defines, in file order (none in a stored pipeline.yaml or run.yaml, which hold them
    /// applied): `validate` lists them, as a file's profiles are otherwise found only by reading it.</summary>
    public IReadOnlyList<string> ProfileNames { get; init; } = [];

    /// <summary>What the --set overrides did that the user may not have meant: a section of the pipeline they added.</summary>
    public IReadOnlyList<string> SetNotes { get; init; } = [];

    /// <summary>Each swept key's short name (a column of swept.arrow) and its values as written and the type of the field it sweeps.</summary>
    public IReadOnlyList<SweptKey> Swept { get; init; } = [];

    /// <summary>Where each analysis step (by <see cref="Analysis.AnalysisSteps"/> name) is declared, its <c>sql:</c> value
    /// (<see cref="Analysis.SqlDeclaration.ToString"/> is "file:line:column" as `validate` writes positions), for a failure
    /// while it runs to point at: at DuckDB's line of a literal block. A step declared by a --set (no lines) is absent.</summary>
    public IReadOnlyDictionary<string, Analysis.SqlDeclaration> AnalysisDeclaredAt { get; init; } = new Dictionary<string, Analysis.SqlDeclaration>();

    /// <summary>Swept keys the analysis section would mix (one warning per key; none when the analysis was not checked), and
    /// the spec's other warnings: presets trained at one shape, held-out documents nothing uses (validate, run and submit print them).</summary>
    public IReadOnlyList<Analysis.SweptKeyWarning> AnalysisWarnings { get; init; } = [];
}
