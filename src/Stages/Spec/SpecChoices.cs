namespace Retention.Spec;

/// <summary>The values several rule groups accept: experiments, OLMo presets, injected task kinds.</summary>
internal static class SpecChoices
{
    public static readonly string[] Experiments = ["synthetic", "data", "olmo"];
    public static readonly string[] Presets = ["4M", "20M", "300M", "1B", "4B"];
    public static readonly string[] TaskKinds = ["comparison", "modular_addition"];
}
