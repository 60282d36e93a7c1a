using Retention.Analysis;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Advice;

/// <summary>What advice from trained runs says of a sweep it has nothing to read from, judged by the sweep's saved
/// pipeline.yaml. A synthetic sweep's advice is exact, from a pipeline file: its own saved pipeline.yaml is one, with its
/// profile and --set applied, so the hint names that file rather than a generic FILE the user must then find. An OLMo
/// sweep is the right kind: it was told it needed one; it is told what it lacks instead (runs that have not written their
/// tables yet, or no task injected to evaluate).</summary>
static class UnadvisableSweep
{
    /// <summary>Why <paramref name="sweepDir"/> lacks the table <paramref name="missing"/> the advice reads, and what to do.</summary>
    public static string Why(string sweepDir, string missing)
    {
        var said = $"has no {missing} table: ";
        var file = Path.Combine(sweepDir, ArtifactLayout.PipelineFile);
        var saved = Saved(file);
        if (saved?.Spec.Experiment == "olmo")
            return said + (NoTasks(saved) ?? $"{UnwrittenTable.Note(missing, sweepDir)}; advise once they have");
        said += "advice from trained runs needs an OLMo sweep (experiment: olmo); ";
        if (saved is not { Spec: { Experiment: "synthetic" } spec })
            return said + "a synthetic sweep's advice is exact, from its pipeline file (pipeline advise FILE)";
        var command = $"pipeline advise {Pipeline.ShellWords.Quote(Path.GetRelativePath(Directory.GetCurrentDirectory(), file))}";
        return said + (spec.Synthetic.Rare is null
            ? $"this synthetic sweep's advice would be exact, from its pipeline file ({command}), but its pipeline has no " +
              "synthetic.rare task to advise on"
            : $"this synthetic sweep's advice is exact, from its saved pipeline file: {command}");
    }

    /// <summary>Why a sweep whose tables are there gave no final test accuracy of any task: its pipeline injects none (said
    /// so, and what to train instead), or else none was evaluated yet.</summary>
    public static string NothingEvaluated(string sweepDir) =>
        NoTasks(Saved(Path.Combine(sweepDir, ArtifactLayout.PipelineFile))) ?? "has no evaluated task on a test split yet";

    /// <summary>"its pipeline injects no task..." where none of the sweep's runs injects a task (data.tasks), or null.</summary>
    static string? NoTasks(LoadedPipeline? saved) =>
        saved is { Spec.Experiment: "olmo" } && saved.Runs.All(r => r.Spec.Data is not { Tasks.Count: > 0 })
            ? $"its runs inject no task (data.tasks is empty in its {ArtifactLayout.PipelineFile}), so none was evaluated: advice from " +
              $"trained runs needs runs that inject the task to advise on, at two or more frequencies ({AdviseRules.TasksAtFrequencies})"
            : null;

    /// <summary>The sweep's saved pipeline, or null where it has none that loads (the message then stays generic).</summary>
    static LoadedPipeline? Saved(string file)
    {
        if (!File.Exists(file)) return null;
        try { return SpecLoader.Load(file, stored: true, checkAnalysis: false); }
        catch (Exception e) when (e is SpecException or IOException or UnauthorizedAccessException) { return null; }
    }
}
