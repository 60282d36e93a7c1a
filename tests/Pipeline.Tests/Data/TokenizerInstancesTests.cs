using System.Buffers;
using Microsoft.ML.Tokenizers;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>A TextTokenizer built with a factory encodes on a library tokenizer per concurrent caller: a shared one serialises
/// them on its word cache's lock (cl100k on two cores encoded slower on two threads than on one).</summary>
public class TokenizerInstancesTests
{
    /// <summary>Encodes every text as one token, its instance's number; the first <c>meet</c> calls wait inside until that
    /// many are inside at once, so those calls are concurrent by construction.</summary>
    sealed class NumberedTokenizer(int number, Barrier meet, Func<bool> waits) : Tokenizer
    {
        protected override EncodeResults<EncodedToken> EncodeToTokens(string? text, ReadOnlySpan<char> textSpan, EncodeSettings settings)
        {
            if (waits() && !meet.SignalAndWait(TimeSpan.FromSeconds(30)))
                throw new TimeoutException("the concurrent callers never met inside the tokenizer");
            return new EncodeResults<EncodedToken> { Tokens = [new EncodedToken(number, "t", new Range(0, 1))], CharsConsumed = text?.Length ?? textSpan.Length };
        }

        public override OperationStatus Decode(IEnumerable<int> ids, Span<char> destination, out int idsConsumed, out int charsWritten)
        {
            idsConsumed = charsWritten = 0;
            return OperationStatus.Done;
        }
    }

    /// <summary>Runs <paramref name="work"/> on <paramref name="count"/> threads of their own (not the pool's, which a busy test run
    /// may not grow in time) and returns their results.</summary>
    static T[] OnThreads<T>(int count, Func<T> work)
    {
        var results = new T[count];
        var threads = Enumerable.Range(0, count).Select(i => new Thread(() => results[i] = work())).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }

    [Fact]
    public void ConcurrentCallersEncodeOnInstancesOfTheirOwnAndALaterCallerReusesOne()
    {
        using var meet = new Barrier(2);
        int built = 0, calls = 0;
        var tokenizer = new TextTokenizer("numbered", () => new NumberedTokenizer(Interlocked.Increment(ref built), meet,
            () => Interlocked.Increment(ref calls) <= 2), vocabSize: 10, eosId: 0);
        Assert.Equal(1, tokenizer.Instances);

        var both = OnThreads(2, () => tokenizer.Encode("text")[0]);

        Assert.Equal([1, 2], both.Order());   // a shared instance would have answered 1 twice
        Assert.Equal(2, tokenizer.Instances);
        Assert.Contains(tokenizer.Encode("again")[0], both);   // alone now: an idle instance, none built
        Assert.Equal(2, built);
    }

    [Fact]
    public void OneSharedInstanceWithoutAFactory()
    {
        using var meet = new Barrier(2);
        int calls = 0;
        var tokenizer = new TextTokenizer("numbered", new NumberedTokenizer(7, meet, () => Interlocked.Increment(ref calls) <= 2), 10, 0);
        var both = OnThreads(2, () => tokenizer.Encode("text")[0]);
        Assert.Equal([7, 7], both);
        Assert.Equal(1, tokenizer.Instances);
    }

    /// <summary>The instances the built-in kinds build for concurrent callers encode as the first does: one caller holds the
    /// first instance, so the next is built from the factory (no racing threads: a busy CI machine may never overlap them).</summary>
    [Fact]
    public void InstancesBuiltForConcurrentCallersEncodeAsTheFirst()
    {
        using var dir = new ArtifactTempDir();
        File.WriteAllText(dir.File("vocab.json"), System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, int>
        {
            ["<|endoftext|>"] = 0, ["h"] = 1, ["e"] = 2, ["l"] = 3, ["o"] = 4, ["Ġ"] = 5, ["w"] = 6, ["r"] = 7, ["d"] = 8,
            ["he"] = 9, ["ll"] = 10, ["hell"] = 11, ["hello"] = 12, ["Ġw"] = 13,
        }));
        File.WriteAllLines(dir.File("merges.txt"), ["#version: 0.2", "h e", "l l", "he ll", "hell o", "Ġ w"]);
        var text = string.Join("\n\n", DataFixtures.Documents(200, seed: 11).Select(d => d.Text));
        foreach (var spec in new[]
                 {
                     new TokenizerSpec(),
                     new TokenizerSpec { Kind = TextTokenizer.Bpe, Path = dir.File("vocab.json"), MergesPath = dir.File("merges.txt") },
                 })
        {
            var tokenizer = TextTokenizer.Create(spec);
            var expected = tokenizer.Encode(text);
            Assert.Equal(1, tokenizer.Instances);
            using (var held = tokenizer.Rent())
            {
                Assert.Equal(expected, tokenizer.Encode(text));   // on a second instance, built now
                Assert.Equal(2, tokenizer.Instances);
                Assert.Equal(expected, held.Encoder.Library.EncodeToIds(text).ToArray());
            }
            tokenizer.Encode(text);
            Assert.Equal(2, tokenizer.Instances);   // both idle again: none built
        }
    }
}
