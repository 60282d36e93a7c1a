using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Advice;

/// <summary>
/// The advice keeps task kinds, model sizes (parameter counts) and frequencies apart and averages everything else as
/// if it were seeds: runs that share those but were trained otherwise (another lr, more steps, another gap, another
/// head count at the same size) are pooled without a word. This names what the pooled runs' specs (run.yaml) differ in
/// beyond the seed, so a researcher knows the boundary mixes settings. A warning, not a refusal: pooling may be meant
/// (two data orders), and the advice is still the mean of what was trained.
/// </summary>
public static class AdvicePooling
{
    /// <summary>Spec keys that do not change what a run trains: the seed is what the pool averages over; names, the
    /// device, the sweep section and profiles differ between sweeps of the same runs (descriptions and the analysis section
    /// too, which <see cref="SweepContract.DifferingKeys"/> leaves out itself); probes, logging, evaluation, checkpoints and
    /// the kernels chosen only observe or implement the same training.</summary>
    static readonly string[] NotTraining = ["name", "seed", "device", "sweep", "profiles", "probes",
        "train.log_every", "olmo.eval_every", "olmo.eval_instances", "olmo.checkpoint_every", "olmo.reference_tasks",
        "olmo.fused_adamw", "olmo.fused_elementwise"];

    /// <summary>One line per distinct set of differing keys: the keys, one pair of runs as an example (with its values)
    /// and how many pairs differ so. <paramref name="spec"/> gives a run's stored spec (<see cref="SpecReader"/>), or null
    /// where it has none (an older or hand-made run: left out of the comparison). Other tasks' frequencies (and the
    /// names they give) are not named: a mixture's other tasks are the pipeline's design, as the analysis's advice
    /// check (SweptKeyCoverage.Advice) treats them.</summary>
    public static IReadOnlyList<string> Warnings(IReadOnlyList<TaskOutcome> outcomes, Func<string, string?> spec)
    {
        var pairs = new Dictionary<string, List<(string First, string Other, IReadOnlyList<string> Changes)>>(StringComparer.Ordinal);
        var seen = new HashSet<(string, string)>();
        foreach (var pool in outcomes.GroupBy(o => (o.Kind, o.Parameters, o.Frequency)))
        {
            // Every pair, in a fixed order: the count does not depend on which sweep was given first.
            var runs = pool.Select(o => o.Run).Where(r => r.Length > 0).Distinct().Where(r => spec(r) is not null).Order(StringComparer.Ordinal).ToList();
            for (int i = 0; i < runs.Count; i++)
                foreach (var other in runs.Skip(i + 1))
                {
                    if (!seen.Add((runs[i], other))) continue;   // one pair of runs shares a pool per task they both train
                    if (Changes(spec(runs[i])!, spec(other)!)?.Where(c => !IsOtherTasksMixture(Key(c))).ToList() is not { Count: > 0 } changes) continue;
                    var keys = string.Join(", ", changes.Select(Key));
                    if (!pairs.TryGetValue(keys, out var list)) pairs[keys] = list = [];
                    list.Add((runs[i], other, changes));
                }
        }
        return [.. pairs.Select(p =>
        {
            var (first, other, changes) = p.Value[0];
            return $"the advice pools runs whose specs differ in {p.Key} as seeds of one setting (it keeps task kinds, model sizes " +
                   $"and frequencies apart, nothing else): e.g. '{first}' and '{other}' ({string.Join("; ", changes)})" +
                   (p.Value.Count > 1 ? $", {p.Value.Count} pairs in all" : "") +
                   "; advise on runs of one setting, or give the sweeps of each setting separately";
        })];
    }

    /// <summary>Whether two runs' stored specs differ in a key that changes what they train (any task's frequency
    /// included): then they are not copies of each other, whatever the advice sees alike. False where either has no
    /// readable spec.</summary>
    public static bool TrainedOtherwise(string run, string other, Func<string, string?> spec) =>
        spec(run) is { } a && spec(other) is { } b && Changes(a, b) is { Count: > 0 };

    /// <summary>A reader of runs' run.yaml, each read once and written as this version writes it (so a run an older
    /// version wrote compares equal to its copy written now); null for a run without one.</summary>
    public static Func<string, string?> SpecReader()
    {
        var specs = new Dictionary<string, string?>(StringComparer.Ordinal);
        return runDir =>
        {
            if (specs.TryGetValue(runDir, out var known)) return known;
            var file = Path.Combine(runDir, ArtifactLayout.RunManifest);
            return specs[runDir] = File.Exists(file) ? SweepContract.Canonical(File.ReadAllText(file)) : null;
        };
    }

    /// <summary>The training keys two specs differ in, as "key: a → b"; null where one does not parse (a damaged run.yaml
    /// says nothing about what the run trained).</summary>
    static List<string>? Changes(string first, string other)
    {
        try { return [.. SweepContract.DifferingKeys(first, other).Where(c => !IsNotTraining(Key(c)))]; }
        catch (Exception e) when (e is InvalidDataException or InvalidCastException or YamlDotNet.Core.YamlException) { return null; }
    }

    static string Key(string change) => change[..change.IndexOf(": ", StringComparison.Ordinal)];

    static bool IsNotTraining(string key) => NotTraining.Any(u => Spec.SpecPaths.IsAtOrUnder(key, u));

    /// <summary>data.tasks[1].frequency, data.tasks[1].name: the other tasks of a mixture (a pool is one task's).</summary>
    static bool IsOtherTasksMixture(string key) =>
        key.StartsWith("data.tasks[", StringComparison.Ordinal) && (key.EndsWith("].frequency", StringComparison.Ordinal) || key.EndsWith("].name", StringComparison.Ordinal));
}
