namespace Retention.Spec;

/// <summary>The devices a pipeline's <c>device:</c> and the commands' --device take, checked by name only
/// (whether this machine has one is the trainer's check).</summary>
public static class DeviceNames
{
    public const string Allowed = "cpu, cuda, auto, cuda:N (N = GPU index)";

    public static bool IsValid(string name) => name is "cpu" or "cuda" or "auto"
        || name.StartsWith("cuda:", StringComparison.Ordinal) && name.Length > 5 && !name.AsSpan(5).ContainsAnyExcept("0123456789");
}
