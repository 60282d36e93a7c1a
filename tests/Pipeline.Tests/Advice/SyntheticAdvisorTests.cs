using Retention.Advice;
using Retention.Spec;
using Retention.Synthetic;
using Retention.Theory;

namespace Retention.Tests.Advice;

/// <summary>The exact synthetic advice against the critical-width theory it inverts, and by hand.</summary>
public class SyntheticAdvisorTests
{
    static SyntheticSpec Spec(int tasks, int dims, double beta, double alpha, double lambda, int frequent = 0) => new()
    {
        Tasks = tasks, DimsPerTask = dims, FrequencyExponent = beta, SpectrumExponent = alpha, FrequentTasks = frequent,
        Rare = new RareSpec { Frequency = 0.01, Lambda = lambda },
    };

    [Fact]
    public void By_hand_two_tasks_of_two_features()
    {
        // beta 1: p = (2/3, 1/3); alpha 1: lambda = (1, 1/2). Frequent utilities nu = 2/3, 1/3, 1/3, 1/6.
        // Width 3 needs pi_r·1 ≥ (1 − pi_r)·1/3, i.e. pi_r ≥ 1/4; width 5 (past all 4 features) needs nothing.
        var advice = SyntheticAdvisor.MinFrequencies(Spec(2, 2, 1.0, 1.0, 1.0), 0, [1, 3, 4, 5]);
        Assert.Equal(2.0 / 5, advice[0].MinRareFrequency, 12);    // (2/3) / (1 + 2/3)
        Assert.Equal(1.0 / 4, advice[1].MinRareFrequency, 12);
        Assert.Equal(1.0 / 7, advice[2].MinRareFrequency, 12);    // (1/6) / (1 + 1/6)
        Assert.Equal(0.0, advice[3].MinRareFrequency);
    }

    [Theory]
    [InlineData(8, 8, 1.2, 1.0, 1.0, 0)]
    [InlineData(4, 4, 0.5, 1.5, 0.3, 0)]
    [InlineData(6, 5, 1.0, 0.7, 2.0, 3)]
    public void The_advised_frequency_is_exactly_where_the_critical_width_crosses_the_width(int tasks, int dims, double beta, double alpha, double lambda, int frequent)
    {
        var spec = Spec(tasks, dims, beta, alpha, lambda, frequent);
        foreach (var advice in SyntheticAdvisor.MinFrequencies(spec, 0, Enumerable.Range(1, 12)))
        {
            if (advice.MinRareFrequency == 0) continue;
            int NCrit(double f) => CriticalWidth.Of(TaskMixture.From(spec with { Rare = spec.Rare! with { Frequency = f } }, 0));
            Assert.True(NCrit(advice.MinRareFrequency * 1.0001) <= advice.Width, $"width {advice.Width}: just above the advice");
            Assert.True(NCrit(advice.MinRareFrequency * 0.9999) > advice.Width, $"width {advice.Width}: just below the advice");
        }
        // And the other direction: each frequency's minimum width retains it, one less does not.
        foreach (var f in SyntheticAdvisor.MinWidths(spec, 0, [0.001, 0.01, 0.05, 0.2]))
        {
            var atWidth = SyntheticAdvisor.MinFrequencies(spec, 0, [f.MinWidth, f.MinWidth - 1]);
            Assert.True(atWidth[0].MinRareFrequency <= f.RareFrequency);
            if (f.MinWidth > 1) Assert.True(atWidth[1].MinRareFrequency > f.RareFrequency);
        }
    }
}
