using System.Threading.Tasks.Dataflow;
using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

public class StageTests
{
    [Fact]
    public async Task AFailingStageStopsTheFeedAndEverythingBeforeItDrains()
    {
        using var failure = new FirstFailure();
        var seen = new List<int>();
        var square = Stage.Transform<int, int>("square", x => x == 5 ? throw new InvalidOperationException("five") : x * x, failure);
        var sink = Stage.Sink<int>("collect", x => { seen.Add(x); return Task.CompletedTask; }, failure);
        square.Then(sink);
        await Stage.Feed("numbers", Enumerable.Range(1, 1000), square, failure, CancellationToken.None);
        await sink.Completion;                        // completes: nothing buffered is dropped
        var error = Assert.Throws<StageException>(failure.ThrowIfFailed);
        Assert.Equal("square", error.Stage);
        Assert.Equal("stage 'square' failed: five", error.Message);
        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal([1, 4, 9, 16], seen);           // all results before the failure, in order, none after
    }

    [Fact]
    public void OnlyTheFirstFailureIsKeptAndItCancelsTheFeedToken()
    {
        using var failure = new FirstFailure();
        Assert.False(failure.Token.IsCancellationRequested);
        failure.Record(new StageException("a", new Exception("first")));
        failure.Record(new StageException("b", new Exception("second")));
        Assert.Equal("a", failure.Error!.Stage);
        Assert.True(failure.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task StoppingTheFeedDrainsWhatIsInFlightAndCompletes()
    {
        using var stop = new CancellationTokenSource();
        using var failure = new FirstFailure();
        var seen = new List<int>();
        var sink = Stage.Sink<int>("collect", x => { seen.Add(x); if (x == 3) stop.Cancel(); return Task.CompletedTask; },
            failure, capacity: 1);
        await Stage.Feed("numbers", Enumerable.Range(1, 1000), sink, failure, stop.Token);
        await sink.Completion;
        Assert.Null(failure.Error);
        Assert.InRange(seen.Count, 3, 5);
        Assert.Equal(Enumerable.Range(1, seen.Count), seen);
    }

    [Fact]
    public async Task BoundedCapacityAppliesBackPressure()
    {
        using var failure = new FirstFailure();
        var gate = new TaskCompletionSource();
        var sink = Stage.Sink<int>("slow", _ => gate.Task, failure, capacity: 2);
        var accepted = 0;
        for (int i = 0; i < 10; i++)
            if (sink.Post(i)) accepted++;
        Assert.InRange(accepted, 2, 3);               // one being processed plus the bounded buffer
        gate.SetResult();
        sink.Complete();
        await sink.Completion;
    }

    [Fact]
    public async Task DedicatedSchedulerRunsEveryStepOnOneThread()
    {
        using var failure = new FirstFailure();
        using var scheduler = new DedicatedThreadScheduler("test");
        var threads = new HashSet<int>();
        var block = Stage.Transform<int, int>("t", x => { lock (threads) threads.Add(Environment.CurrentManagedThreadId); return x; },
            failure, scheduler);
        var sink = Stage.Sink<int>("s", async _ => await Task.Yield(), failure);
        block.Then(sink);
        await Stage.Feed("n", Enumerable.Range(0, 200), block, failure, CancellationToken.None);
        await sink.Completion;
        Assert.Single(threads);
    }
}
