using Retention.Spec;

namespace Retention.Synthetic;

/// <summary>The tasks of one training step's batch (one task id per row).</summary>
public sealed record TaskBatch(long Step, int[] Tasks);

/// <summary>
/// Draws each batch row's task from pi. A pure function of (seed, step): any step's batch can
/// be regenerated alone, which keeps resumed and batched runs on the same stream. Its RNG is
/// separate from the model's and from the input generator's.
/// </summary>
public static class TaskSampler
{
    public static TaskBatch Sample(double[] frequencies, int batchSize, int seed, long step)
    {
        var cumulative = Cumulative(frequencies);
        var rng = new Random(StreamSeed(seed, step));
        var tasks = new int[batchSize];
        for (int i = 0; i < batchSize; i++) tasks[i] = Draw(cumulative, rng.NextDouble());
        return new TaskBatch(step, tasks);
    }

    /// <summary>
    /// The rows of step s for a mixture with an optional rare task: batch_size rows drawn from the
    /// mixture tasks, then the rare rows the schedule injects at s (appended, task id K).
    /// </summary>
    public static int[] Rows(TaskMixture mixture, RareSpec? rare, int batchSize, int seed, long step)
    {
        var rows = Sample(mixture.RowFrequencies, batchSize, seed, step).Tasks;
        int injected = RareSchedule.InjectedAt(rare, batchSize, step);
        return injected == 0 ? rows : [.. rows, .. Enumerable.Repeat(mixture.RareTask, injected)];
    }

    public static IEnumerable<TaskBatch> Stream(double[] frequencies, int batchSize, int seed, long steps)
    {
        for (long step = 1; step <= steps; step++) yield return Sample(frequencies, batchSize, seed, step);
    }

    /// <summary>
    /// A fixed mix of (seed, step) (SplitMix64). Not HashCode.Combine: .NET randomises it per
    /// process, which made the same run draw different batches in different processes.
    /// </summary>
    static int StreamSeed(int seed, long step)
    {
        static ulong Mix(ulong z)
        {
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
        return unchecked((int)Mix(Mix((ulong)(uint)seed + 0x9E3779B97F4A7C15UL) + (ulong)step));
    }

    static double[] Cumulative(double[] p)
    {
        var c = new double[p.Length];
        double s = 0;
        for (int i = 0; i < p.Length; i++) c[i] = s += p[i];
        return c;
    }

    static int Draw(double[] cumulative, double u)
    {
        int i = Array.BinarySearch(cumulative, u * cumulative[^1]);
        i = i < 0 ? ~i : i + 1;
        return Math.Min(i, cumulative.Length - 1);
    }
}
