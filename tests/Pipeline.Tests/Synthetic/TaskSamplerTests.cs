using Retention.Synthetic;

namespace Retention.Tests.Synthetic;

public class TaskSamplerTests
{
    static readonly double[] Pi = [0.5, 0.3, 0.15, 0.05];

    [Fact]
    public void SameSeedAndStepGiveTheSameBatch()
    {
        Assert.Equal(TaskSampler.Sample(Pi, 64, 3, 17).Tasks, TaskSampler.Sample(Pi, 64, 3, 17).Tasks);
        Assert.NotEqual(TaskSampler.Sample(Pi, 64, 3, 17).Tasks, TaskSampler.Sample(Pi, 64, 3, 18).Tasks);
        Assert.NotEqual(TaskSampler.Sample(Pi, 64, 3, 17).Tasks, TaskSampler.Sample(Pi, 64, 4, 17).Tasks);
    }

    [Fact]
    public void EmpiricalFrequenciesMatchPi()
    {
        const int steps = 2000, batch = 100;
        var counts = new double[Pi.Length];
        foreach (var b in TaskSampler.Stream(Pi, batch, 0, steps))
            foreach (var t in b.Tasks) counts[t]++;
        for (int k = 0; k < Pi.Length; k++)
        {
            double n = steps * batch, sd = Math.Sqrt(n * Pi[k] * (1 - Pi[k]));
            Assert.InRange(counts[k], n * Pi[k] - 5 * sd, n * Pi[k] + 5 * sd);
        }
    }

    [Fact]
    public void TheStreamIsTheSameInEveryProcess()
    {
        // A literal: a per-process hash (HashCode.Combine is randomised per process) would change it.
        Assert.Equal([0, 1, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0], TaskSampler.Sample(Pi, 12, 7, 3).Tasks);
    }

    [Fact]
    public void StreamNumbersStepsFromOne()
    {
        Assert.Equal([1L, 2, 3], TaskSampler.Stream(Pi, 4, 0, 3).Select(b => b.Step));
    }
}
