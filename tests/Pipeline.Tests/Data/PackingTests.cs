using Retention.Data;

namespace Retention.Tests.Data;

public class PackingTests
{
    private const int Eos = 999;

    private static List<TokenizedDocument> RandomDocs(int count, int seed)
    {
        var rng = StableRng.Seed(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = i % 11 == 0 ? rng.NextInt(60) : rng.NextInt(12); // some longer than a row, some empty
            return DataFixtures.Tokenized(i, Enumerable.Range(0, length).Select(_ => rng.NextInt(500)).ToArray());
        }).ToList();
    }

    [Fact]
    public void RowsAreFullAndConcatenateToTheDocumentsWithEos()
    {
        var docs = RandomDocs(300, 1);
        const int rowLength = 17;
        var rows = SequencePacker.Pack(docs, rowLength, Eos).ToList();
        var stream = docs.SelectMany(d => d.Tokens.Append(Eos)).ToList();

        Assert.All(rows, r => Assert.Equal(rowLength, r.Tokens.Length));
        Assert.Equal(stream.Count / rowLength, rows.Count); // only the incomplete tail is dropped
        Assert.Equal(stream.Take(rows.Count * rowLength), rows.SelectMany(r => r.Tokens));
        Assert.Equal(docs.Count, stream.Count(t => t == Eos)); // exactly one EOS per document (ids < 500 otherwise)
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.After.RowsEmitted));
    }

    [Fact]
    public void ResumingFromAnyRowCursorReproducesTheRest()
    {
        var docs = RandomDocs(200, 2);
        const int rowLength = 9;
        var rows = SequencePacker.Pack(docs, rowLength, Eos).ToList();
        for (int k = 0; k < rows.Count; k++)
        {
            var cursor = rows[k].After;
            // Without source cursors the caller skips the documents before the cursor's document.
            var rest = SequencePacker.Pack(docs.Where(d => d.Index >= cursor.DocumentIndex), rowLength, Eos, cursor).ToList();
            Assert.Equal(rows.Skip(k + 1).Select(r => r.Tokens), rest.Select(r => r.Tokens));
            Assert.Equal(rows.Skip(k + 1).Select(r => r.After), rest.Select(r => r.After));
        }
    }

    [Fact]
    public void ResumingAgainstADifferentSourceFails()
    {
        var docs = RandomDocs(50, 3);
        var row = SequencePacker.Pack(docs, 7, Eos).First(r => r.After.TokenOffset > 0 && r.After.TokenOffset < docs[(int)r.After.DocumentIndex].Tokens.Length);
        Assert.Throws<InvalidOperationException>(() =>
            SequencePacker.Pack(docs.Skip((int)row.After.DocumentIndex + 1), 7, Eos, row.After).ToList());
    }

    [Fact]
    public void BatchesHaveTheRowsInOrderAndTensorsShiftByOne()
    {
        var docs = RandomDocs(200, 4);
        var rows = SequencePacker.Pack(docs, 9, Eos).ToList();
        var batches = BatchBuilder.Batches(rows, 4).ToList();
        Assert.Equal(rows.Count / 4, batches.Count);
        Assert.Equal(Enumerable.Range(1, batches.Count).Select(i => (long)i), batches.Select(b => b.Step));
        Assert.Equal(rows.Take(batches.Count * 4).SelectMany(r => r.Tokens), batches.SelectMany(b => b.Tokens));
        Assert.Equal(rows[7].After, batches[1].After);

        var (x, y) = BatchBuilder.ToTensors(batches[0]);
        using (x)
        using (y)
        {
            Assert.Equal([4L, 8L], x.shape);
            Assert.Equal([4L, 8L], y.shape);
            Assert.Equal(TorchSharp.torch.ScalarType.Int64, x.dtype);
            Assert.True(x.is_contiguous() && y.is_contiguous(), "split on the device, each must still be contiguous (callers view them)");
            for (int r = 0; r < 4; r++)
                for (int t = 0; t < 8; t++)
                {
                    Assert.Equal(rows[r].Tokens[t], x[r, t].item<long>());
                    Assert.Equal(rows[r].Tokens[t + 1], y[r, t].item<long>());
                }
            if (TorchSharp.torch.cuda.is_available())   // where a GPU is present: the asynchronous pinned upload carries the same tokens
            {
                var (gx, gy) = BatchBuilder.ToTensors(batches[0], TorchSharp.torch.CUDA);
                using (gx)
                using (gy)
                    Assert.True(gx.cpu().eq(x).all().item<bool>() && gy.cpu().eq(y).all().item<bool>());
            }
        }
    }
}
