namespace Retention.Spec;

/// <summary>The devices a pipeline's <c>device:</c> and the commands' --device take, checked by name only
/// (whether this machine has one is the trainer's check).</summary>
public static class DeviceNames
{
    public const string Allowed = "cpu, cuda, auto, cuda:N (N = GPU index)";

    /// <remarks>An index past int's range names no GPU (and the trainer's index check could not read it): refused here, so
    /// validate says it at the key rather than a run failing on it.</remarks>
    public static bool IsValid(string name) => name is "cpu" or "cuda" or "auto" || IsDigits(name) && Index(name) is not null;

    /// <summary>"unknown device 'CPU' (did you mean 'cpu'?); allowed: ...", as other unknown values say it; for
    /// cuda:N with an N too large to be a GPU index, that instead.</summary>
    public static string Unknown(string name) =>
        IsDigits(name) && Index(name) is null
            ? $"device '{name}': GPU index {name[5..]} is too large (at most {int.MaxValue}); allowed: {Allowed}"
            : $"unknown device '{name}'{(Meant(name) is { } meant ? $" (did you mean '{meant}'?)" : "")}; allowed: {Allowed}";

    /// <summary>'cuda:' and digits only, whether or not they fit an int.</summary>
    static bool IsDigits(string name) =>
        name.StartsWith("cuda:", StringComparison.Ordinal) && name.Length > 5 && !name.AsSpan(5).ContainsAnyExcept("0123456789");

    static int? Index(string name) =>
        int.TryParse(name.AsSpan(5), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index : null;

    /// <summary>The device <paramref name="name"/> likely means: itself in lower case (CPU, CUDA:0), cuda for a GPU (which the
    /// spelling helper would take for cpu, one letter away), none for another kind of processor (tpu, npu, xpu: also one
    /// letter from cpu, but hardware this trainer does not run on, not a misspelt cpu), else the name nearest in spelling.</summary>
    static string? Meant(string name)
    {
        var lower = name.ToLowerInvariant();
        if (IsValid(lower)) return lower;
        if (lower == "gpu" || lower.StartsWith("gpu:", StringComparison.Ordinal) && IsValid("cuda" + lower[3..])) return "cuda" + lower[3..];
        if (IsOtherProcessor(lower)) return null;
        return KeySuggestions.Closest(name, ["cpu", "cuda", "auto"]);
    }

    /// <summary>'tpu', 'npu:0', 'xpu', ...: a letter and "pu" (with an index or not) names a kind of processing unit.</summary>
    static bool IsOtherProcessor(string lower)
    {
        var kind = lower.IndexOf(':') is > 0 and var colon ? lower[..colon] : lower;
        return kind.Length == 3 && char.IsAsciiLetter(kind[0]) && kind.EndsWith("pu", StringComparison.Ordinal);
    }
}
