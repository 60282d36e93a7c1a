using System.Diagnostics;
using Retention.Data;

namespace Retention.Tests.Data;

public class ParallelTokenizerTests
{
    [Fact]
    public void ParallelOutputEqualsSequentialInOrder()
    {
        var docs = DataFixtures.Documents(600, seed: 3);
        var tok = DataFixtures.Tokenizer;
        var sequential = docs.Select(d => tok.Encode(d.Text)).ToList();
        // More workers than cores and a small capacity, so documents finish out of order.
        var parallel = ParallelTokenizer.Tokenize(tok, docs, threads: 4, capacity: 8).ToList();
        Assert.Equal(docs.Count, parallel.Count);
        for (int i = 0; i < docs.Count; i++)
        {
            Assert.Equal(i, parallel[i].Index);
            Assert.Same(docs[i], parallel[i].Document);
            Assert.Equal(sequential[i], parallel[i].Tokens);
        }
    }

    [Fact]
    public void CarriesIndicesAndTheSourceCursorBeforeEachDocumentAndSkipsFiltered()
    {
        var docs = DataFixtures.Documents(50);
        var source = new ListSource(docs);
        var kept = ParallelTokenizer.Tokenize(DataFixtures.Tokenizer, source.Open(), cursor: () => source.Cursor,
            keep: d => int.Parse(d.Id[4..]) % 3 != 0, capacity: 4).ToList();
        Assert.Equal(Enumerable.Range(0, 50).Where(i => i % 3 != 0).Select(i => (long)i), kept.Select(d => d.Index));
        // Re-opening the source at a document's Before cursor delivers that document first.
        foreach (var d in kept) Assert.Equal(d.Index, (d.Before as SourceCursor)?.DocumentsDelivered ?? 0);
    }

    [Fact]
    public void StoppingEarlyAndSourceFaultsDoNotHang()
    {
        var docs = DataFixtures.Documents(400);
        Assert.Equal(5, ParallelTokenizer.Tokenize(DataFixtures.Tokenizer, docs, capacity: 2).Take(5).Count());

        static IEnumerable<Document> Failing(IEnumerable<Document> docs)
        {
            foreach (var d in docs.Take(10)) yield return d;
            throw new IOException("shard truncated");
        }
        var ex = Assert.Throws<IOException>(() => ParallelTokenizer.Tokenize(DataFixtures.Tokenizer, Failing(docs)).ToList());
        Assert.Equal("shard truncated", ex.Message);
    }

    /// <summary>A stop (Ctrl+C in `data tokenize`) while the source waits for input that no stop can cut short, as a read of a named
    /// pipe whose writer writes nothing: the command ended only after a 10 s wait for the source. Now it is not waited for; it
    /// ends once the source returns, disposing it. The wait is made unbounded here, so that waiting shows as a hang (the 60 s
    /// bounds only keep a failing test from hanging the suite).</summary>
    [Fact]
    public async Task A_stop_while_the_source_waits_for_input_is_not_held_up_by_it_and_the_source_is_closed_once_it_returns()
    {
        var limit = TimeSpan.FromSeconds(60);
        using var inside = new ManualResetEventSlim();
        using var input = new ManualResetEventSlim();
        using var closed = new ManualResetEventSlim();
        bool readOn = false;
        IEnumerable<Document> Stalling()
        {
            try
            {
                yield return new Document("first", "a first document", "test", new("s", 0, 1));
                inside.Set();
                input.Wait();   // no token: as a read of a pipe
                readOn = true;
                yield return new Document("second", "never tokenized", "test", new("s", 0, 2));
            }
            finally { closed.Set(); }
        }
        var grace = ParallelTokenizer.StopGrace;
        ParallelTokenizer.StopGrace = Timeout.InfiniteTimeSpan;
        try
        {
            using var stop = new CancellationTokenSource();
            var received = new List<string>();
            using var consumed = new ManualResetEventSlim();
            var consumer = Task.Run(() =>
            {
                foreach (var d in ParallelTokenizer.Tokenize(DataFixtures.Tokenizer, Stalling(), threads: 1, ct: stop.Token))
                {
                    received.Add(d.Document.Id);
                    consumed.Set();
                }
            });
            Assert.True(inside.Wait(limit), "the source was never asked for its second document");
            Assert.True(consumed.Wait(limit), "the first document never came");
            stop.Cancel();
            Assert.True(await Task.WhenAny(consumer, Task.Delay(limit)) == consumer, "the stop waited for the source");
            Assert.IsAssignableFrom<OperationCanceledException>(consumer.Exception?.InnerException);
            Assert.Equal(["first"], received);
            Assert.False(closed.IsSet);   // the source still waits

            input.Set();
            Assert.True(closed.Wait(limit), "the source was never disposed");
            Assert.True(readOn);
        }
        finally
        {
            ParallelTokenizer.StopGrace = grace;
            input.Set();
        }
    }

    /// <summary>Words of random letters, so no document's words are in the tokenizer's cache from another's.</summary>
    static string RandomWords(int chars, int seed)
    {
        var rng = new Random(seed);
        var text = new char[chars];
        for (var i = 0; i < chars; i++) text[i] = rng.Next(7) == 0 ? ' ' : (char)('a' + rng.Next(26));
        return new string(text);
    }

    /// <summary>The workers hold one pool thread each, as many as the pool starts with; the hand-over of a finished document
    /// needs one more. It used to wait for the pool's starvation detector (half a second and more): an OLMo run's first batch
    /// came 1.3 s late on 2 cores. Here every worker is busy with a long document when the short first one is done: it must
    /// reach the consumer before the first long one does, not when a worker frees up. The check turns the starvation detector
    /// off, so that without the headroom the short document waits for a worker whatever the machine's load, and it compares
    /// two times of the same run, both stretched alike by load (it compared with a long document timed alone, and failed
    /// at load 23 on 2 cores: 0.474 s against a quarter of 1.488 s). Checked in a process of its own (<see cref="ChildCheck"/>):
    /// in this one an earlier test may have raised the pool's minimum for good (ThreadPoolHeadroom never lowers it), and the
    /// check then passed without the headroom it guards.</summary>
    [Fact]
    public void The_first_document_reaches_the_consumer_while_every_worker_is_still_busy_with_a_long_one()
    {
        var (exit, output, err) = ChildCheck.Run("first-document", TimeSpan.FromMinutes(2));
        Assert.True(exit == 0, $"exit {exit}:\n{output}\n{err}");
        Assert.Contains("the first document came after", output);
    }

    /// <summary>The check is of our code's headroom, not of the caller's environment: a thread-pool minimum raised there
    /// (DOTNET_ThreadPool_ForceMinWorkerThreads, hex, and its COMPlus_ spelling; checked: either alone makes the child say "not
    /// a fresh pool" when passed on) is not passed on to the child, which still finds a fresh pool. Its guard alone is run
    /// (`fresh-pool`): the timing after it is the test above's.</summary>
    [Fact]
    public void The_first_document_check_runs_without_the_callers_thread_pool_settings()
    {
        var (exit, output, err) = ChildCheck.Run("fresh-pool", TimeSpan.FromMinutes(1), new Dictionary<string, string?>
        {
            ["DOTNET_ThreadPool_ForceMinWorkerThreads"] = "40",
            ["COMPlus_ThreadPool_ForceMinWorkerThreads"] = "40",
        });
        Assert.True(exit == 0, $"exit {exit}:\n{output}\n{err}");
        Assert.Equal($"a fresh pool: its minimum is {Environment.ProcessorCount} threads, one per core", output.Trim());
    }

    /// <summary>Whether this process's pool is as a run's starts, its minimum one thread per core (else the first-document
    /// check proves nothing); says which.</summary>
    internal static bool FreshPool()
    {
        ThreadPool.GetMinThreads(out var least, out _);
        Console.WriteLine(least == Environment.ProcessorCount
            ? $"a fresh pool: its minimum is {least} threads, one per core"
            : $"not a fresh pool: its minimum is {least} threads, not {Environment.ProcessorCount}");
        return least == Environment.ProcessorCount;
    }

    /// <summary>The check itself, run by <see cref="ChildCheck"/> in a fresh process: 0 when the first document came in time.</summary>
    internal static int FirstDocumentWhileEveryWorkerIsBusy()
    {
        // Before any pool work: the detector's gate thread reads the switch when it starts.
        AppContext.SetSwitch("System.Threading.ThreadPool.DisableStarvationDetection", true);
        if (!FreshPool()) return 1;
        var tok = DataFixtures.Tokenizer;
        tok.Encode(RandomWords(10_000, seed: 99));   // warm: JIT and tables
        var workers = Environment.ProcessorCount;
        Document[] docs = [new("short", "a short first document", "test", new("s", 0, 1)),
            .. Enumerable.Range(0, workers + 1).Select(i => new Document($"long-{i}", RandomWords(800_000, seed: i), "test", new("s", 0, i + 2)))];

        var clock = Stopwatch.StartNew();
        using var stream = ParallelTokenizer.Tokenize(tok, docs, threads: workers).GetEnumerator();
        if (!stream.MoveNext()) { Console.WriteLine("no document came"); return 1; }
        var first = clock.Elapsed;
        if (stream.Current.Document.Id != "short") { Console.WriteLine($"the first document was {stream.Current.Document.Id}"); return 1; }
        if (!stream.MoveNext()) { Console.WriteLine("no second document came"); return 1; }
        var firstLong = clock.Elapsed;

        // Without the headroom the short document comes when a worker frees up, with the first long one (the same instant).
        Console.WriteLine($"the first document came after {first.TotalSeconds:F3} s; the first long one after {firstLong.TotalSeconds:F3} s");
        return first < firstLong / 2 ? 0 : 1;
    }

    [Fact]
    public async Task AsyncVariantMatches()
    {
        var docs = DataFixtures.Documents(100);
        var list = new List<TokenizedDocument>();
        await foreach (var d in ParallelTokenizer.TokenizeAsync(DataFixtures.Tokenizer, docs, firstIndex: 7)) list.Add(d);
        Assert.Equal(Enumerable.Range(7, 100).Select(i => (long)i), list.Select(d => d.Index));
        Assert.Equal(docs.Select(d => DataFixtures.Tokenizer.Encode(d.Text)), list.Select(d => d.Tokens));
    }
}
