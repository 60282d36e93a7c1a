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
