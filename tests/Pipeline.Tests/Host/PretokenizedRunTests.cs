using System.Buffers.Binary;
using System.Text.Json;
using Retention.Analysis;
using Retention.Artifacts;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>`format: pretokenized` as the README documents it: from YAML, through `pipeline run`,
/// with the bad-file cases recorded or refused clearly.</summary>
public class PretokenizedRunTests() : InTempFolder("pretok-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    static readonly TextTokenizer Bytes = TextTokenizer.Create(new TokenizerSpec
    {
        Kind = "bpe", Path = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
        MergesPath = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt"),
    });

    static byte[] Uint16(IEnumerable<int> ids)
    {
        var list = ids.ToList();
        var bytes = new byte[2 * list.Count];
        for (int i = 0; i < list.Count; i++) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), (ushort)list[i]);
        return bytes;
    }

    /// <summary>The tiny corpus's texts, each tokenized and followed by EOS, as OLMo's tokenizer script writes them.</summary>
    List<int> CorpusTokens()
    {
        TinyCorpus.WriteShard(dir);
        var texts = File.ReadLines(Path.Combine(dir, "shards", "a.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("text").GetString()!);
        return [.. texts.SelectMany(t => Bytes.Encode(t).Append(Bytes.EosId))];
    }

    string Yaml(string paths, int steps = 12, string packing = "held_out_every: 10, validation_rows: 4") => string.Join('\n',
        "name: pre", "experiment: olmo", "device: cpu",
        "data:",
        $"  sources: [{{paths: [{paths}], format: pretokenized, token_dtype: uint16, shuffle_shards: false}}]",
        $"  tokenizer: {TinyCorpus.ByteTokenizerYaml()}",
        $"  packing: {{seq_len: 16, batch_size: 4, {packing}}}",
        "  tasks: [{kind: modular_addition, frequency: 0.02}]",
        "olmo: {preset: 4M, layers: 2, hidden: 32, mlp_dim: 64, heads: 4, eval_every: 6, eval_instances: 8}",
        $"train: {{steps: {steps}, lr: 0.003, warmup_steps: 1, log_every: 1}}");

    static string Rows(string sweep, string sql) => SweepRows.Of(sweep, sql);

    [Fact]
    public void A_pretokenized_source_trains_from_yaml_and_records_odd_lengths_and_ids_beyond_the_vocabulary()
    {
        var tokens = CorpusTokens();
        Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        // Read in name order (shuffle_shards: false), so the bad files come first.
        // An odd byte length: half a token after the last whole one (recorded, the rest read).
        File.WriteAllBytes(Path.Combine(dir, "tokens", "1-odd.bin"), [.. Uint16(tokens.Take(301)), 7]);
        // A document with an id beyond the 257-token vocabulary (recorded and skipped).
        File.WriteAllBytes(Path.Combine(dir, "tokens", "2-big-id.bin"), Uint16([65, 66, 9000, 67, Bytes.EosId, 68, 69, Bytes.EosId]));
        File.WriteAllBytes(Path.Combine(dir, "tokens", "3-good.bin"), Uint16(tokens));
        File.WriteAllText(Path.Combine(dir, "pre.yaml"), Yaml("'tokens/*.bin'"));

        var run = CliProcess.Run(dir, Limit, "run", "pre.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err + run.Out);
        var sweep = Path.Combine(dir, "artifacts", "pre");
        Assert.Equal("12", Rows(sweep, "SELECT count(*) FROM train WHERE loss > 0"));
        Assert.Equal("token_out_of_vocabulary,2-big-id.bin,0\ntruncated_tokens,1-odd.bin,301",
            Rows(sweep, "SELECT reason, regexp_extract(shard, '[^/]+$'), line FROM data_quality ORDER BY reason"));
    }

    [Fact]
    public void A_pretokenized_source_with_epochs_zero_trains_past_its_first_pass()
    {
        // Ten documents: about 25 batches a pass, so 80 steps read the file three or four times (it read once, and the
        // run ended "data exhausted" telling the user to set the epochs: 0 it already had).
        var tokens = CorpusTokens();
        int tenDocuments = tokens.Select((t, i) => (t, i)).Where(x => x.t == Bytes.EosId).Skip(9).First().i + 1;
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), Uint16(tokens.Take(tenDocuments)));
        File.WriteAllText(Path.Combine(dir, "pre.yaml"), Yaml("a.bin", steps: 80).Replace("shuffle_shards: false", "shuffle_shards: false, epochs: 0"));

        var run = CliProcess.Run(dir, Limit, "run", "pre.yaml", "--no-analysis");
        Assert.True(run.Exit == 0, run.Err + run.Out);
        var sweep = Path.Combine(dir, "artifacts", "pre");
        Assert.Equal("80", Rows(sweep, "SELECT max(step) FROM train"));
        Assert.True(tenDocuments * 2 < 80 * 4 * 16, "the steps read the file more than twice");
    }

    [Fact]
    public void A_pretokenized_file_gives_the_same_batches_as_the_text_it_was_tokenized_from()
    {
        var tokens = CorpusTokens();
        File.WriteAllBytes(Path.Combine(dir, "a.bin"), Uint16(tokens));
        var packing = new PackingSpec { SeqLen = 16, BatchSize = 4, HeldOutEvery = 0 };
        var tokenizer = new TokenizerSpec { Kind = "bpe", Path = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
            MergesPath = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt") };
        var text = new DataStreamSpec([new DataSourceSpec { Paths = ["shards/a.jsonl"], ShuffleBuffer = 1, ShuffleShards = false }], tokenizer, packing, [], 3);
        var pre = text with { Sources = [new DataSourceSpec { Paths = ["a.bin"], Format = "pretokenized" }] };
        var fromText = DataStream.Open(text, dir, new DataQualityLog()).Take(40).Select(b => b.Batch.Tokens).ToList();
        var fromTokens = DataStream.Open(pre, dir, new DataQualityLog()).Take(40).Select(b => b.Batch.Tokens).ToList();
        Assert.Equal(40, fromTokens.Count);
        Assert.Equal(fromText, fromTokens);

        // ...and a resume from any batch's cursor continues it exactly.
        var cursor = DataStream.Open(pre, dir, new DataQualityLog()).Skip(16).First().After;
        var rest = DataStream.Open(pre, dir, new DataQualityLog(), DataStreamCursor.FromJson(cursor.ToJson())).Take(23).Select(b => b.Batch.Tokens);
        Assert.Equal(fromTokens.Skip(17), rest);
    }

    [Fact]
    public void A_file_with_a_bad_npy_header_is_refused_with_its_name()
    {
        File.WriteAllBytes(Path.Combine(dir, "bad.npy"), [0x93, .. "NUMPY"u8.ToArray(), 1, 0, 40, 0, .. "{'descr': '<f8', 'fortran_order': False}"u8.ToArray()]);
        File.WriteAllText(Path.Combine(dir, "pre.yaml"), Yaml("bad.npy"));
        var run = CliProcess.Run(dir, Limit, "run", "pre.yaml", "--no-analysis");
        Assert.Equal(2, run.Exit);   // said before the run starts, as invalid input (it was exit 1 from the run's data stage)
        Assert.Contains("bad.npy", run.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "artifacts")));
        Assert.Contains("the .npy dtype <f8 is not little-endian uint16 (<u2) or uint32 (<u4)", run.Err);
        Assert.DoesNotContain("   at ", run.Err);   // one clear line, no stack trace
    }

    [Fact]
    public void Mixing_a_pretokenized_source_with_another_is_invalid()
    {
        File.WriteAllText(Path.Combine(dir, "mix.yaml"), Yaml("a.bin").Replace("shuffle_shards: false}]",
            "shuffle_shards: false}, {paths: ['shards/*.jsonl']}]"));
        var run = CliProcess.Run(dir, Limit, "validate", "mix.yaml");
        Assert.Equal(2, run.Exit);
        Assert.Contains("data.sources[0].format", run.Err);
    }
}
