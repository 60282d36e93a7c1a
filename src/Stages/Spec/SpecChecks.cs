namespace Retention.Spec;

/// <summary>
/// The error list the validator's rules share, and the checks they make with it. A failed check is an error at the
/// node that holds the bad value, or at the nearest written ancestor when the value is a default; one under a path
/// the binder mended is left out (it would only repeat the binding error).
/// </summary>
internal sealed class SpecChecks(NodeIndex index, SourceMap sources, MendedPaths mended)
{
    private readonly List<SpecError> _errors = [];

    public NodeIndex Index => index;
    public SourceMap Sources => sources;
    /// <summary>Paths the binder dropped or filled in.</summary>
    public MendedPaths Mended => mended;
    public IReadOnlyList<SpecError> Errors => _errors;

    public bool Check(bool ok, string path, string message, SpecErrorKind kind = SpecErrorKind.Rule)
    {
        if (ok) return true;
        if (mended.Covers(path)) return false;
        _errors.Add(index.ErrorAt(sources, path, message) with { Kind = kind });
        return false;
    }

    public bool AtLeast(long value, long min, string path) =>
        Check(value >= min, path, $"must be >= {min}, got {value}");

    public bool Positive(double value, string path) =>
        Check(double.IsFinite(value) && value > 0, path, $"must be a finite number > 0, got {RuleText.Show(value)}");

    public bool NonNegative(double value, string path) =>
        Check(double.IsFinite(value) && value >= 0, path, $"must be a finite number >= 0, got {RuleText.Show(value)}");

    public bool NotBlank(string value, string path) =>
        Check(!string.IsNullOrWhiteSpace(value), path, "must not be empty");

    public bool OneOf(string value, string[] allowed, string path, string what) =>
        Check(allowed.Contains(value), path, KeySuggestions.UnknownKey(value, allowed, what));
}
