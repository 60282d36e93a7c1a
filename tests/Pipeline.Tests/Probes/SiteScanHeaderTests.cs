using Retention.Probes;
using Retention.Spec;

namespace Retention.Tests.Probes;

/// <summary>`pipeline probe RUN`'s first line: probes.das.steps: 1 printed "(1 steps)".</summary>
public sealed class SiteScanHeaderTests
{
    [Fact]
    public void One_DAS_step_is_one_step()
    {
        Assert.Equal("r0: model at step 60, 3 layers × 2 positions, DAS rank 2 (1 step)",
            SiteScan.Header("r0", 60, 3, 2, new DasProbeSpec { Rank = 2, Steps = 1 }, fourier: false));
    }

    [Fact]
    public void Several_DAS_steps_and_the_Fourier_readout()
    {
        Assert.Equal("r0: model at step 60, 3 layers × 2 positions, DAS rank 1 (20 steps), Fourier readout",
            SiteScan.Header("r0", 60, 3, 2, new DasProbeSpec { Steps = 20 }, fourier: true));
    }

    [Fact]
    public void Without_a_comparison_task_no_DAS_is_named()
    {
        Assert.Equal("r0: model at step 60, 3 layers × 2 positions, Fourier readout",
            SiteScan.Header("r0", 60, 3, 2, das: null, fourier: true));
    }

    [Fact]
    public void One_layer_and_one_position_are_counted_in_the_singular()
    {
        // "1 layer(s) × 1 position(s)" before.
        Assert.Equal("r0: model at step 60, 1 layer × 1 position, Fourier readout",
            SiteScan.Header("r0", 60, 1, 1, das: null, fourier: true));
    }
}
