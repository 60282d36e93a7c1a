namespace Retention.Artifacts;

/// <summary>A view <see cref="ArtifactCatalog"/> made over tables it loaded: its name and the tables it unions, in order.</summary>
public sealed record CatalogView(string Name, IReadOnlyList<string> Tables);
