using Retention.Host.Output;

namespace Retention.Tests.Host;

/// <summary>The progress line's pace is timed from the first step seen, so setup time before it does not inflate the ETA.</summary>
public class StepRateTests
{
    [Fact]
    public void The_rate_is_unknown_until_a_second_step_and_then_excludes_the_time_before_the_first()
    {
        var rate = new StepRate();
        // Step 1 reported after 100 s of model building; steps 1 -> 11 then take 5 s: 2 steps/s, not 11/105.
        Assert.Null(rate.Observe(1, TimeSpan.FromSeconds(100)));
        Assert.Equal(2.0, rate.Observe(11, TimeSpan.FromSeconds(105))!.Value, 12);
        Assert.Equal(4.0, rate.Observe(41, TimeSpan.FromSeconds(110))!.Value, 12);
    }

    [Fact]
    public void A_resumed_run_is_timed_from_the_step_it_resumed_at()
    {
        var rate = new StepRate();
        Assert.Null(rate.Observe(5001, TimeSpan.FromSeconds(3)));
        Assert.Equal(10.0, rate.Observe(5101, TimeSpan.FromSeconds(13))!.Value, 12);
    }

    [Fact]
    public void The_eta_counts_hours_past_a_day_and_says_so_when_unknown()
    {
        Assert.Equal("--:--:--", StepRate.Eta(1, 100, null));
        // 108,000 steps left at 1 step/s: 30 hours (a TimeSpan's hh would wrap to 06).
        Assert.Equal("30:00:00", StepRate.Eta(2_000, 110_000, 1.0));
        Assert.Equal("00:01:05", StepRate.Eta(0, 130, 2.0));
        Assert.Equal("00:00:00", StepRate.Eta(130, 130, 2.0));
    }

    [Fact]
    public void A_slow_rate_keeps_two_significant_figures()
    {
        Assert.Equal("0.35 steps/s", StepRate.Text(0.3512));
        Assert.Equal("2.5 steps/s", StepRate.Text(2.54));
        Assert.Equal("123 steps/s", StepRate.Text(123.4));
        Assert.Equal("- steps/s", StepRate.Text(null));
    }
}
