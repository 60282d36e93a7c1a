using Retention.Spec;

namespace Retention.Synthetic;

/// <summary>
/// The task ids of every cell at each step. Cell c draws as its run alone would
/// (<see cref="TaskSampler"/> with its own seed), so cells with the same seed draw the same
/// tasks: each distinct seed is sampled once per step and its array shared (read-only).
/// This is where per-cell task schedules (e.g. rare-task injection) plug in.
/// </summary>
public static class CellSampler
{
    /// <param name="from">The first step to draw (a resumed run continues after its checkpoint): each step's rows depend on the step alone.</param>
    public static IEnumerable<CellBatch> Stream(TaskMixture mixture, RareSpec? rare, int batchSize, IReadOnlyList<int> seeds, long steps, long from = 1)
    {
        var distinct = seeds.Distinct().ToArray();
        for (long step = from; step <= steps; step++)
        {
            var bySeed = distinct.ToDictionary(s => s, s => TaskSampler.Rows(mixture, rare, batchSize, s, step));
            yield return new CellBatch(step, [.. seeds.Select(s => bySeed[s])]);
        }
    }
}
