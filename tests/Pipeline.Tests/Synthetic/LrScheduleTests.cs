using Retention.Training;

namespace Retention.Tests.Synthetic;

public class LrScheduleTests
{
    [Fact]
    public void WarmupIsLinearThenCosineReachesTheMinimumAtTheLastStep()
    {
        Assert.Equal(0.1, LrSchedule.At(10, 110, 1.0, "cosine", 100, 0.0), 12);
        Assert.Equal(1.0, LrSchedule.At(100, 110, 1.0, "cosine", 100, 0.0), 12);
        Assert.Equal(0.5, LrSchedule.At(105, 110, 1.0, "cosine", 100, 0.0), 12);   // halfway: cos(pi/2) = 0
        Assert.Equal(0.01, LrSchedule.At(110, 110, 1.0, "cosine", 100, 0.01), 12);
        Assert.Equal(1.0, LrSchedule.At(110, 110, 1.0, "constant", 100, 0.01), 12);
    }
}
