using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Advice;

/// <summary>What advice from trained runs says of a sweep that lacks a table it reads. A synthetic sweep's advice is exact,
/// from a pipeline file: the sweep's own saved pipeline.yaml is one, with its profile and --set applied, so the hint names
/// that file rather than a generic FILE the user must then find.</summary>
static class NotAnOlmoSweep
{
    public static string Why(string sweepDir, string missing)
    {
        var said = $"has no {missing} table: advice from trained runs needs an OLMo sweep (experiment: olmo); ";
        var file = Path.Combine(sweepDir, ArtifactLayout.PipelineFile);
        if (Saved(file) is not { Experiment: "synthetic" } spec)
            return said + "a synthetic sweep's advice is exact, from its pipeline file (pipeline advise FILE)";
        var command = $"pipeline advise {Path.GetRelativePath(Directory.GetCurrentDirectory(), file)}";
        return said + (spec.Synthetic.Rare is null
            ? $"this synthetic sweep's advice would be exact, from its pipeline file ({command}), but its pipeline has no " +
              "synthetic.rare task to advise on"
            : $"this synthetic sweep's advice is exact, from its saved pipeline file: {command}");
    }

    /// <summary>The sweep's saved spec, or null where it has none that loads (the message then stays generic).</summary>
    static PipelineSpec? Saved(string file)
    {
        if (!File.Exists(file)) return null;
        try { return SpecLoader.Load(file, stored: true, checkAnalysis: false).Spec; }
        catch (Exception e) when (e is SpecException or IOException or UnauthorizedAccessException) { return null; }
    }
}
