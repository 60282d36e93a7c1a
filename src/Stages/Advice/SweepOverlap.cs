namespace Retention.Advice;

/// <summary>
/// Sweeps given to the empirical advice together must not share runs: a run counted twice narrows the
/// bootstrap interval and, weighted twice in its frequency's seed mean, moves the boundary, while the
/// seed count stays the same. Refused rather than deduplicated: two copies of a run may have been
/// edited apart, and which one to keep is the user's call.
/// </summary>
public static class SweepOverlap
{
    /// <summary>The same sweep directory given twice (by any spelling of its path).</summary>
    public static void CheckDistinct(IReadOnlyList<string> sweepDirs)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dir in sweepDirs)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
            if (!seen.TryAdd(full, dir))
                throw new ArgumentException($"sweep directory '{dir}' is given twice ({full}, also as '{seen[full]}'): " +
                    "its runs would count twice; give each sweep once");
        }
    }

    /// <summary>
    /// Runs in different sweeps with the same spec as the advice sees it (task kind, frequency, model size, seed
    /// and training tokens) on the same task: a copy of one run, most likely, which the advice cannot tell from
    /// the original. Runs with the same spec within one sweep are that sweep's own (another swept setting), and so
    /// are runs whose stored specs say they were trained otherwise (another lr: <paramref name="trainedOtherwise"/>),
    /// which <see cref="AdvicePooling"/> names instead.
    /// </summary>
    public static void CheckNoCopies(IReadOnlyList<IReadOnlyList<TaskOutcome>> sweeps, Func<string, string, bool>? trainedOtherwise = null)
    {
        // Every run seen under a key, not the first only: with three sweeps, a copy in the third of a run in the second must
        // be found even when the first sweep's run at that key was trained otherwise.
        var seen = new Dictionary<(string, double, long, int, double), List<(int Sweep, string Run)>>();
        for (int i = 0; i < sweeps.Count; i++)
            foreach (var o in sweeps[i])
            {
                var key = (o.Kind, o.Frequency, o.Parameters, o.Seed, o.Tokens);
                if (!seen.TryGetValue(key, out var earlier)) seen[key] = earlier = [];
                var copied = earlier.FirstOrDefault(e => e.Sweep != i && trainedOtherwise?.Invoke(e.Run, o.Run) != true);
                earlier.Add((i, o.Run));
                if (copied.Run is not null)
                    throw new ArgumentException($"runs '{copied.Run}' and '{o.Run}' have the same spec ({o.Kind} at frequency {o.Frequency:G3}, " +
                        $"{o.Parameters:N0} parameters, seed {o.Seed}, {o.Tokens:G3} tokens): one is likely a copy of the other, and the advice " +
                        "would count it twice; give each run once (remove the copy or leave out one sweep)");
            }
    }
}
