namespace Retention.Data;

/// <summary>Where `pipeline data brown` writes without --out, relative to the current folder: one place, as the error for a
/// missing Brown folder checks there for the corpus written where the pipeline does not read.</summary>
public static class BrownDefaults
{
    public const string Out = "data/brown";
}
