using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>The second "done when": injected counts match the requested frequency exactly over a window, continuous and gapped.</summary>
public class InjectionScheduleTests
{
    // B·L of a CPU profile (8 × 128), of a 128K-token batch (64 × 2048) and of OLMo's 4M-token batch (2048 × 2048).
    public static TheoryData<double, long, long, long> Cases => new()
    {
        { 7.8e-3, 8 * 128, 1, 20_000 },
        { 7.8e-3, 8 * 128, 100, 20_000 },
        { 7.8e-3, 64 * 2048, 1, 5_000 },
        { 7.8e-3, 64 * 2048, 7, 5_000 },
        { 2.4e-8, 2048 * 2048, 1, 200_000 },
        { 2.4e-8, 2048 * 2048, 10, 200_000 },
        { 2.4e-8, 2048 * 2048, 100, 200_000 },
        { 2.4e-8, 8 * 128, 1, 2_000_000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void CountsMatchTheFrequencyOverEveryWindowOfWholeGaps(double f, long tokensPerBatch, long gap, long steps)
    {
        var schedule = InjectionSchedule.Create(f, tokensPerBatch, gap);
        decimal rate = (decimal)f * tokensPerBatch;   // f·T, instances per batch
        long total = 0;
        var atInjection = new List<(long Step, long Total)> { (0, 0) };
        for (long s = 1; s <= steps; s++)
        {
            int n = schedule.CountAt(s);
            if (s % gap != 0) Assert.Equal(0, n);
            total += n;
            if (s % gap == 0)
            {
                // After every injection the total is floor(f·T·s): exact, and within one instance of f·T·s.
                Assert.Equal((long)decimal.Floor(rate * s), total);
                atInjection.Add((s, total));
            }
        }
        Assert.Equal(schedule.CumulativeAt(steps), total);

        // Any window between two injections (whole gaps): |count − f·T·batches| < 1.
        var rng = StableRng.Seed(7);
        for (int w = 0; w < 2_000; w++)
        {
            int i = rng.NextInt(atInjection.Count), j = rng.NextInt(atInjection.Count);
            if (i > j) (i, j) = (j, i);
            long count = atInjection[j].Total - atInjection[i].Total;
            decimal expected = rate * (atInjection[j].Step - atInjection[i].Step);
            Assert.True(Math.Abs(count - expected) < 1, $"window {atInjection[i].Step}..{atInjection[j].Step}: {count} vs {expected}");
        }
    }

    [Fact]
    public void WhereTheExpectedCountIsWholeTheCountIsExactlyIt()
    {
        // f = 2^-7 with T = 2^17: exactly 1,024 instances in every batch, continuous or every 10 batches.
        var continuous = InjectionSchedule.Create(1.0 / 128, 1 << 17, 1);
        var gapped = InjectionSchedule.Create(1.0 / 128, 1 << 17, 10);
        for (long s = 1; s <= 1000; s++) Assert.Equal(1024, continuous.CountAt(s));
        for (long s = 10; s <= 1000; s += 10) Assert.Equal(10_240, gapped.CountAt(s));
        // f = 2.4e-8 at T = 2^22: 0.1006632960 per batch; over 10^9 batches the count is exactly 10^9 times that.
        var rare = InjectionSchedule.Create(2.4e-8, 1 << 22, 1);
        Assert.Equal(100_663_296, rare.CumulativeAt(1_000_000_000));
        Assert.Equal(1, rare.CumulativeAt(10));   // one instance in the first 10 batches: "one every 10 batches"
        Assert.Equal(0, rare.CumulativeAt(9));
    }

    [Fact]
    public void AllGapsDeliverTheSameCountAtCommonMultiples()
    {
        long[] gaps = [1, 2, 10, 50, 100];
        foreach (double f in new[] { 7.8e-3, 1e-4, 2.4e-8 })
            foreach (long s in new long[] { 100, 1_000, 123_400 })
                Assert.Single(gaps.Select(g => InjectionSchedule.Create(f, 4096, g).CumulativeAt(s)).Distinct());
    }

    [Fact]
    public void FrequencyOutsideTheRangeIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => InjectionSchedule.Create(0, 1024, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InjectionSchedule.Create(0.2, 1024, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InjectionSchedule.Create(double.NaN, 1024, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => InjectionSchedule.Create(0.01, 1024, 0));
    }
}
