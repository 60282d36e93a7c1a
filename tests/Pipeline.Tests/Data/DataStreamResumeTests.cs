using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>The first "done when": the same seed gives the same token stream bit for bit, also across a resume.</summary>
public class DataStreamResumeTests
{
    private static readonly PackingSpec Packing = new() { SeqLen = 31, BatchSize = 4, HeldOutEvery = 10, HeldOutSeed = 3 };

    private static readonly InjectedTaskSpec[] Tasks =
    [
        new() { Kind = ComparisonTask.KindName, Frequency = 1.0 / 64, Seed = 1 },
        new() { Kind = ModularAdditionTask.KindName, Frequency = 1.0 / 200, Gap = 3, Seed = 2 },
    ];

    private static Injector NewInjector(TextTokenizer tok) =>
        Injector.Create(Tasks, Packing, tok.VocabSize, tok.EosId, seed: 42).Injector;

    /// <summary>The run as a trainer would open it: the source at the cursor, tokenized on all cores, held-out documents skipped.</summary>
    private static IEnumerable<TrainingBatch> Open(IReadOnlyList<Document> docs, DataStreamCursor? start)
    {
        var tok = DataFixtures.Tokenizer;
        var source = new ListSource(docs);
        var split = HeldOutSplit.From(Packing);
        var tokenized = ParallelTokenizer.Tokenize(tok, source.Open((SourceCursor?)start?.Source), start?.Packer.DocumentIndex ?? 0,
            () => source.Cursor, start?.Source, split.IsTraining, threads: 3, capacity: 16);
        return TrainingStream.Batches(tokenized, Packing, tok.EosId, NewInjector(tok), start);
    }

    private static void AssertSame(TrainingBatch expected, TrainingBatch actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.Batch.Tokens, actual.Batch.Tokens);
        Assert.Equal(expected.Injections, actual.Injections);
        Assert.Equal(expected.After.ToJson(), actual.After.ToJson());
    }

    [Fact]
    public void SameSeedSameStreamAndResumeFromSavedCursorIsBitIdentical()
    {
        var docs = DataFixtures.Documents(400, seed: 8);
        var full = Open(docs, null).ToList();
        Assert.True(full.Count > 40, $"only {full.Count} batches");
        Assert.Contains(full, b => b.Injections.Count > 0);

        var again = Open(docs, null).ToList();
        Assert.Equal(full.Count, again.Count);
        for (int i = 0; i < full.Count; i++) AssertSame(full[i], again[i]);

        foreach (int k in new[] { 1, 2, 3, 7, 20, full.Count - 2 })
        {
            // The checkpoint saves the cursor as JSON; the resumed run reads it back.
            var cursor = DataStreamCursor.FromJson(full[k - 1].After.ToJson());
            Assert.Equal(full[k - 1].After.Packer, cursor.Packer);
            var resumed = Open(docs, cursor).ToList();
            Assert.Equal(full.Count - k, resumed.Count);
            for (int i = 0; i < resumed.Count; i++) AssertSame(full[k + i], resumed[i]);
        }
    }

    [Fact]
    public void HeldOutDocumentsNeverReachTraining()
    {
        var docs = DataFixtures.Documents(400, seed: 8);
        var split = HeldOutSplit.From(Packing);
        var heldOut = docs.Where(split.IsHeldOut).ToList();
        Assert.InRange(heldOut.Count, 20, 70); // one in ten, by hash

        var tok = DataFixtures.Tokenizer;
        var training = ParallelTokenizer.Tokenize(tok, docs, keep: split.IsTraining).ToList();
        Assert.Empty(training.Select(t => t.Document).Intersect(heldOut));
        Assert.Equal(docs.Count - heldOut.Count, training.Count);

        var validation = ValidationSet.Build(ParallelTokenizer.Tokenize(tok, docs, keep: split.IsHeldOut), Packing.RowLength, tok.EosId, rows: 5);
        Assert.Equal(5, validation.Rows);
        var heldOutStream = heldOut.SelectMany(d => tok.Encode(d.Text).Append(tok.EosId));
        Assert.Equal(heldOutStream.Take(5 * Packing.RowLength), validation.Tokens);
        var (x, y) = validation.ToTensors();
        using (x) using (y) Assert.Equal([5L, 31L], x.shape);
    }

    [Fact]
    public void ResumeWithChangedScheduleOrBatchSizeIsRefused()
    {
        var docs = DataFixtures.Documents(200, seed: 8);
        var cursor = Open(docs, null).Skip(5).First().After;
        var tok = DataFixtures.Tokenizer;
        var otherInjector = Injector.Create([Tasks[0] with { Frequency = 1.0 / 32 }], Packing, tok.VocabSize, tok.EosId, 42).Injector;
        var other = cursor with { Injector = cursor.Injector! with { Injected = [cursor.Injector.Injected[0]] } };
        Assert.Throws<InvalidOperationException>(() => TrainingStream.Batches([], Packing, tok.EosId, otherInjector, other));
        Assert.Throws<InvalidOperationException>(() => TrainingStream.Batches([], Packing with { BatchSize = 3 }, tok.EosId, null, cursor));
    }
}
