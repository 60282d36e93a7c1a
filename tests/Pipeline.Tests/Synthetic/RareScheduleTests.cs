using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Tests.Synthetic;

public class RareScheduleTests
{
    [Theory]
    [InlineData(0.01, 1)]
    [InlineData(0.01, 10)]
    [InlineData(0.01, 100)]
    [InlineData(0.003, 37)]
    [InlineData(0.2, 5)]
    public void CumulativeFractionIsPiAfterEveryInjection(double pi, long gap)
    {
        var rare = new RareSpec { Frequency = pi, Gap = gap };
        const int batch = 64;
        long rareRows = 0;
        for (long step = 1; step <= 5000; step++)
        {
            int injected = RareSchedule.InjectedAt(rare, batch, step);
            if (step % gap != 0) Assert.Equal(0, injected);
            rareRows += injected;
            Assert.Equal(RareSchedule.Cumulative(rare, batch, step), rareRows);
            if (step % gap == 0)
            {
                // R = floor(rho·B·s), so R ≤ rho·B·s < R + 1: the fraction is pi to within one row.
                double exact = pi / (1 - pi) * batch * step;
                Assert.InRange(rareRows, exact - 1, exact);
            }
        }
    }

    [Fact]
    public void EveryGapDeliversTheSameCountAtCommonMultiples()
    {
        const int batch = 256;
        long[] gaps = [1, 10, 50, 100, 400];
        foreach (long s in new long[] { 400, 800, 4000 })
        {
            var counts = gaps.Select(g => RareSchedule.Cumulative(new RareSpec { Frequency = 0.002, Gap = g }, batch, s)).Distinct();
            Assert.Single(counts);
        }
    }

    [Fact]
    public void DenseLoggingMarksBeforeAfterAndPowersOfTwoBetween()
    {
        var rare = new RareSpec { Gap = 20 };
        var phases = Enumerable.Range(1, 41).Select(s => (s, RareSchedule.Phase(rare, s))).Where(p => p.Item2 != null).ToList();
        // Steps 1-16 come before any injection (the first is at 20): no phase, not "between" an injection 0 that never was.
        Assert.Equal([(19, "before"), (20, "after"),
                      (21, "between"), (22, "between"), (24, "between"), (28, "between"), (36, "between"), (39, "before"), (40, "after"),
                      (41, "between")],
            phases.Select(p => ((int)p.s, p.Item2!)));
        Assert.Null(RareSchedule.Phase(new RareSpec { Gap = 4 }, 4));            // too small a gap for dense logging
        Assert.Null(RareSchedule.Phase(new RareSpec { Gap = 20, DenseLogging = false }, 20));
    }
}
