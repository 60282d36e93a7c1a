using System.Threading.Tasks.Dataflow;
using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

public class StageTests
{
    [Fact]
    public async Task AFailingStageFaultsDownstreamNamingTheStage()
    {
        using var cts = new CancellationTokenSource();
        var seen = new List<int>();
        var square = Stage.Transform<int, int>("square", x => x == 5 ? throw new InvalidOperationException("five") : x * x, cts.Token);
        var sink = Stage.Sink<int>("collect", x => { seen.Add(x); return Task.CompletedTask; }, cts.Token);
        square.Then(sink);
        await Stage.Feed("numbers", Enumerable.Range(1, 10), square, cts.Token);
        var error = await Assert.ThrowsAsync<StageException>(() => sink.Completion);
        Assert.Equal("square", error.Stage);
        Assert.Contains("five", error.Message);
        Assert.Equal([1, 4, 9, 16], seen);      // everything before the failure arrived, in order
    }

    [Fact]
    public async Task CancellingTheFeedDrainsWhatIsInFlightAndCompletes()
    {
        using var stop = new CancellationTokenSource();
        var seen = new List<int>();
        var sink = Stage.Sink<int>("collect", x => { seen.Add(x); if (x == 3) stop.Cancel(); return Task.CompletedTask; },
            CancellationToken.None, capacity: 1);
        await Stage.Feed("numbers", Enumerable.Range(1, 1000), sink, stop.Token);
        await sink.Completion;                   // completes, not faults or cancels
        Assert.True(seen.Count < 1000);
        Assert.Equal(Enumerable.Range(1, seen.Count), seen);
    }

    [Fact]
    public async Task BoundedCapacityAppliesBackPressure()
    {
        var gate = new TaskCompletionSource();
        var sink = Stage.Sink<int>("slow", _ => gate.Task, CancellationToken.None, capacity: 2);
        var accepted = 0;
        for (int i = 0; i < 10; i++)
            if (sink.Post(i)) accepted++;
        Assert.InRange(accepted, 2, 3);          // one being processed plus the bounded buffer
        gate.SetResult();
        sink.Complete();
        await sink.Completion;
    }

    [Fact]
    public async Task DedicatedSchedulerRunsEveryStepOnOneThread()
    {
        using var scheduler = new DedicatedThreadScheduler("test");
        var threads = new HashSet<int>();
        var block = Stage.Transform<int, int>("t", x => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); return x; },
            CancellationToken.None, scheduler);
        var sink = Stage.Sink<int>("s", async _ => await Task.Yield(), CancellationToken.None);
        block.Then(sink);
        await Stage.Feed("n", Enumerable.Range(0, 200), block, CancellationToken.None);
        await sink.Completion;
        Assert.Single(threads);
    }
}
