using System.Buffers.Binary;
using System.Text.Json;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Data;

/// <summary>A pre-tokenized source's <c>epochs</c> and per-epoch file order are a text source's: the same documents in
/// the same shard orders give the same batches, pass after pass, and a resume inside a later pass continues exactly.</summary>
public class PretokenizedEpochsTests() : InTempFolder("pretok-epochs-")
{
    static readonly TokenizerSpec Bytes = new()
    {
        Kind = "bpe", Path = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        MergesPath = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt"),
    };

    /// <summary>The tiny corpus cut into four shards, once as JSON lines and once as the token files its byte-level
    /// tokenization gives (each document followed by EOS): the same documents under the same sorted names.</summary>
    void WriteBothForms()
    {
        TinyCorpus.WriteShard(dir);
        var tokenizer = TextTokenizer.Create(Bytes, dir);
        var lines = File.ReadAllLines(Path.Combine(dir, "shards", "a.jsonl"));
        Directory.CreateDirectory(Path.Combine(dir, "text"));
        Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        for (int s = 0; s < 4; s++)
        {
            var part = lines.Skip(s * 10).Take(10).ToArray();   // 40 documents: a pass is a few dozen batches
            File.WriteAllLines(Path.Combine(dir, "text", $"{s}.jsonl"), part);
            var ids = part.SelectMany(l => tokenizer.Encode(JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!).Append(tokenizer.EosId)).ToList();
            var bytes = new byte[2 * ids.Count];
            for (int i = 0; i < ids.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)ids[i]);
            File.WriteAllBytes(Path.Combine(dir, "tokens", $"{s}.bin"), bytes);
        }
    }

    static DataStreamSpec Spec(DataSourceSpec source) =>
        new([source], Bytes, new PackingSpec { SeqLen = 16, BatchSize = 4, HeldOutEvery = 0 }, [], Seed: 11);

    static DataStreamSpec Text(int epochs) => Spec(new DataSourceSpec { Paths = ["text/*.jsonl"], ShuffleBuffer = 1, Epochs = epochs });
    static DataStreamSpec Tokens(int epochs) => Spec(new DataSourceSpec { Paths = ["tokens/*.bin"], Format = "pretokenized", Epochs = epochs });

    List<int[]> Batches(DataStreamSpec spec, DataStreamCursor? from = null, int? take = null)
    {
        var batches = DataStream.Open(spec, dir, new DataQualityLog(), from).Select(b => b.Batch.Tokens.ToArray());
        return [.. take is { } n ? batches.Take(n) : batches];
    }

    [Fact]
    public void Three_epochs_read_the_files_three_times_in_the_text_sources_shard_orders()
    {
        WriteBothForms();
        var onePass = Batches(Tokens(1));
        var fromTokens = Batches(Tokens(3));
        // Each pass holds the same tokens in a new file order; the packer carries a row across passes, where one pass
        // alone leaves its last part-batch unsent.
        Assert.InRange(fromTokens.Count, 3 * onePass.Count, 3 * onePass.Count + 2);
        Assert.NotEqual(onePass, fromTokens.Skip(onePass.Count).Take(onePass.Count));
        Assert.Equal(Batches(Text(3)), fromTokens);
    }

    [Fact]
    public void Epochs_zero_repeats_forever()
    {
        WriteBothForms();
        int onePass = Batches(Tokens(1)).Count;
        Assert.Equal(Batches(Text(0), take: 5 * onePass), Batches(Tokens(0), take: 5 * onePass));
    }

    [Fact]
    public void A_resume_inside_a_later_epoch_continues_exactly()
    {
        WriteBothForms();
        var whole = Batches(Tokens(3));
        int at = whole.Count * 2 / 3 + 1;   // in the third pass
        var cursor = DataStream.Open(Tokens(3), dir, new DataQualityLog()).Skip(at).First().After;
        Assert.Equal(whole.Skip(at + 1), Batches(Tokens(3), DataStreamCursor.FromJson(cursor.ToJson())));
    }

    [Fact]
    public void Files_without_a_document_end_a_source_repeated_forever_instead_of_spinning()
    {
        Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        File.WriteAllBytes(Path.Combine(dir, "tokens", "empty.bin"), []);
        var quality = new DataQualityLog();
        Assert.Empty(DataStream.Open(Tokens(0), dir, quality));
        Assert.Equal(DataQualityReasons.EmptyShard, Assert.Single(quality.Issues).Reason);   // recorded in the first pass only
    }
}
