using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

public class ThreadPoolHeadroomTests
{
    static int MinWorkers()
    {
        ThreadPool.GetMinThreads(out var workers, out _);
        return workers;
    }

    /// <summary>Blocks held at once (runs side by side, each with its tokenizer workers) count together: the pool's minimum
    /// leaves a core's worth and four more beside all of them, not beside the largest one only.</summary>
    [Fact]
    public void Threads_held_at_once_by_several_blocks_add_up_and_the_minimum_is_never_lowered()
    {
        using (ThreadPoolHeadroom.Reserve(40))
        using (ThreadPoolHeadroom.Reserve(30))
            Assert.True(MinWorkers() >= Environment.ProcessorCount + 70 + 4, $"min {MinWorkers()}");
        var after = MinWorkers();
        using (ThreadPoolHeadroom.Reserve(1))
            Assert.Equal(after, MinWorkers());   // released: one thread more fits in what is there
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadPoolHeadroom.Reserve(-1));
    }
}
