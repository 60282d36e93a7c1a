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
        var rng = new Random(HashCode.Combine(seed, 0x5eed, step));
        var tasks = new int[batchSize];
        for (int i = 0; i < batchSize; i++) tasks[i] = Draw(cumulative, rng.NextDouble());
        return new TaskBatch(step, tasks);
    }

    public static IEnumerable<TaskBatch> Stream(double[] frequencies, int batchSize, int seed, long steps)
    {
        for (long step = 1; step <= steps; step++) yield return Sample(frequencies, batchSize, seed, step);
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
