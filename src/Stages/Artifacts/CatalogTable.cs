namespace Retention.Artifacts;

/// <summary>A DuckDB table loaded by <see cref="ArtifactCatalog"/>: its name, source files and row count.</summary>
/// <param name="PerRun">True for run artifacts (one file per run, with a <c>run</c> column), false for analysis tables.</param>
public sealed record CatalogTable(string Name, IReadOnlyList<string> Files, long Rows, bool PerRun);
