using System.IO.Compression;
using System.Text.Json;
using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>The assembled data stage over real gzip shards: determinism, resume, injections.</summary>
public class DataStreamTests() : InTempFolder("stream-")
{
    DataStreamSpec Spec(long seed = 7) => new(
        [new DataSourceSpec { Paths = ["shards/*.json.gz"], ShuffleBuffer = 16 }],
        new TokenizerSpec(),
        new PackingSpec { SeqLen = 32, BatchSize = 4, HeldOutEvery = 10 },
        [new InjectedTaskSpec { Kind = "modular_addition", Frequency = 0.01 }],
        seed);

    void WriteShards()
    {
        var words = "the of and to in is was he for it with as his on be at by had are but from or have an they which".Split(' ');
        var rng = new Random(3);
        Directory.CreateDirectory(Path.Combine(dir, "shards"));
        for (int s = 0; s < 3; s++)
        {
            using var gz = new GZipStream(File.Create(Path.Combine(dir, "shards", $"s{s}.json.gz")), CompressionLevel.Fastest);
            using var w = new StreamWriter(gz);
            for (int d = 0; d < 40; d++)
            {
                var text = string.Join(' ', Enumerable.Range(0, rng.Next(5, 60)).Select(_ => words[rng.Next(words.Length)]));
                w.WriteLine(JsonSerializer.Serialize(new { id = $"s{s}-{d}", text, source = "test" }));
            }
        }
    }

    static List<int[]> Take(IEnumerable<TrainingBatch> batches, int n, out DataStreamCursor? last)
    {
        var rows = new List<int[]>();
        last = null;
        foreach (var b in batches.Take(n)) { rows.Add(b.Batch.Tokens); last = b.After; }
        return rows;
    }

    [Fact]
    public void The_validation_set_reads_the_sources_once_even_when_they_repeat_forever()
    {
        WriteShards();
        DataStreamSpec Forever(int heldOutEvery, int rows = 4) => Spec() with
        {
            Sources = [new DataSourceSpec { Paths = ["shards/*.json.gz"], ShuffleBuffer = 16, Epochs = 0 }],
            Packing = Spec().Packing with { HeldOutEvery = heldOutEvery, ValidationRows = rows },
        };
        ValidationSet Within(DataStreamSpec spec)
        {
            var build = Task.Run(() => DataStream.HeldOut(spec, dir));
            Assert.True(build.Wait(TimeSpan.FromSeconds(60)), "the held-out reader did not stop");
            return build.Result;
        }
        // As many rows as one pass holds (120 documents, one in 10 held out), the same as a single epoch gives.
        var once = DataStream.HeldOut(Spec() with { Packing = Spec().Packing with { ValidationRows = 1000 } }, dir);
        var forever = Within(Forever(10, rows: 1000));
        Assert.Equal(once.Tokens, forever.Tokens);
        Assert.InRange(forever.Rows, 1, 999);
        // Nothing held out, or no rows asked for: an empty set at once.
        Assert.Equal(0, Within(Forever(0)).Rows);
        Assert.Equal(0, Within(Forever(10, rows: 0)).Rows);
        // Documents held out but none chosen in a pass (one in a million of 120): an empty set, not a read forever.
        Assert.Equal(0, Within(Forever(1_000_000)).Rows);
        // Sources that yield no document at all: said with the first issue met, which is why.
        Directory.CreateDirectory(Path.Combine(dir, "bad"));
        File.WriteAllLines(Path.Combine(dir, "bad", "b.jsonl"), ["{\"id\": \"x\"}", "{\"id\": \"y\"}"]);
        var nothing = Assert.Throws<AggregateException>(() => Within(Forever(10) with
        {
            Sources = [new DataSourceSpec { Paths = ["bad/*.jsonl"], Epochs = 0 }],
        }));
        var message = Assert.IsType<DataException>(nothing.InnerException).Message;
        Assert.Contains("no document", message);
        Assert.Contains("b.jsonl:1: missing_text", message);
    }

    [Fact]
    public void SameSeedSameTokensAndAResumedStreamEqualsTheUninterruptedOne()
    {
        WriteShards();
        var whole = Take(DataStream.Open(Spec(), dir, new DataQualityLog()), 30, out _);
        Assert.Equal(whole, Take(DataStream.Open(Spec(), dir, new DataQualityLog()), 30, out _));
        Assert.NotEqual(whole, Take(DataStream.Open(Spec(seed: 8), dir, new DataQualityLog()), 30, out _));

        foreach (int stopAt in new[] { 1, 7, 13 })
        {
            var first = Take(DataStream.Open(Spec(), dir, new DataQualityLog()), stopAt, out var cursor);
            var saved = DataStreamCursor.FromJson(cursor!.ToJson());          // as a checkpoint stores it
            var rest = Take(DataStream.Open(Spec(), dir, new DataQualityLog(), saved), 30 - stopAt, out _);
            Assert.Equal(whole, [.. first, .. rest]);
        }
    }

    [Fact]
    public void TwoWeightedSourcesResumeBitForBitThroughAJsonCheckpoint()
    {
        WriteShards();
        var mixed = Spec() with
        {
            Sources = [new DataSourceSpec { Name = "a", Paths = ["shards/s0.json.gz", "shards/s1.json.gz"], Weight = 3, ShuffleBuffer = 8 },
                       new DataSourceSpec { Name = "b", Paths = ["shards/s2.json.gz"], Weight = 1, ShuffleBuffer = 8 }],
        };
        var whole = Take(DataStream.Open(mixed, dir, new DataQualityLog()), 20, out _);
        var first = Take(DataStream.Open(mixed, dir, new DataQualityLog()), 9, out var cursor);
        var json = cursor!.ToJson();
        Assert.Contains("\"kind\": \"mixer\"", json);
        var rest = Take(DataStream.Open(mixed, dir, new DataQualityLog(), DataStreamCursor.FromJson(json)), 11, out _);
        Assert.Equal(whole, [.. first, .. rest]);
        // A checkpoint of one kind of reader cannot silently resume another.
        var single = Take(DataStream.Open(Spec(), dir, new DataQualityLog()), 3, out var singleCursor);
        var error = Assert.Throws<InvalidOperationException>(() => DataStream.Open(mixed, dir, new DataQualityLog(), singleCursor).First());
        Assert.Contains("number of sources changed", error.Message);
    }

    [Fact]
    public async Task ExperimentDataWritesBatchesInjectionsQualityAndTheCursor()
    {
        WriteShards();
        File.WriteAllText(Path.Combine(dir, "shards", "bad.jsonl"), "{\"id\": 1, \"text\": \"fine\"}\nnot json\n");
        var yaml = string.Join('\n',
            "name: preview", "experiment: data",
            "data:",
            "  sources: [{paths: ['shards/*.json.gz', 'shards/bad.jsonl'], shuffle_buffer: 8}]",
            "  packing: {seq_len: 32, batch_size: 4}",
            "  tasks: [{kind: comparison, frequency: 0.01, gap: 5}]",
            "train: {steps: 20}",
            "analysis:",
            "  tables: [{name: counts, sql: 'SELECT (SELECT count(*) FROM injections) AS injected, (SELECT count(*) FROM batches) AS batches, (SELECT count(*) FROM data_quality) AS issues'}]");
        var pipeline = Retention.Spec.SpecLoader.LoadText(yaml, "preview.yaml");
        var result = await Retention.Pipeline.PipelineRunner.RunAsync(pipeline, Path.Combine(dir, "artifacts"),
            Retention.Pipeline.SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        var counts = result.Tables.Single().Result.Rows.Single();
        // 0.01 × (4 × 32) × 20 batches = 25.6 → 25 instances, injected at steps 5, 10, 15, 20.
        Assert.Equal([25L, 20L, 1L], counts.Select(Convert.ToInt64));
        var cursor = DataStreamCursor.FromJson(File.ReadAllText(Path.Combine(result.SweepDir, "runs", "default", "data_cursor.json")));
        Assert.Equal(20, cursor.Step);
    }

    [Fact]
    public async Task A_data_run_shows_each_sources_share_of_a_weighted_mix_in_sql()
    {
        foreach (var name in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(dir, name));
            File.WriteAllLines(Path.Combine(dir, name, "docs.jsonl"),
                Enumerable.Range(0, 200).Select(i => $"{{\"id\": \"{name}{i}\", \"text\": \"{name} document number {i}\"}}"));
        }
        var yaml = string.Join('\n',
            "name: mix", "experiment: data",
            "data:",
            "  sources: [{name: a, paths: ['a/*.jsonl'], weight: 3, epochs: 0}, {name: b, paths: ['b/*.jsonl'], weight: 1, epochs: 0}]",
            "  packing: {seq_len: 32, batch_size: 4, held_out_every: 0}",
            "train: {steps: 60}",
            "analysis:",
            "  tables: [{name: shares, sql: 'SELECT s.source, s.documents, b.documents_consumed FROM sources s JOIN batches b USING (run, step) WHERE step = 60 ORDER BY s.source'}]");
        var result = await Retention.Pipeline.PipelineRunner.RunAsync(Retention.Spec.SpecLoader.LoadText(yaml, "mix.yaml"), Path.Combine(dir, "artifacts"),
            Retention.Pipeline.SilentProgress.Instance, CancellationToken.None, dataDirectory: dir);
        var rows = result.Tables.Single().Result.Rows;
        Assert.Equal(["a", "b"], rows.Select(r => (string)r[0]!));
        long a = Convert.ToInt64(rows[0][1]), b = Convert.ToInt64(rows[1][1]);
        // The sources' counts add up to what the packer took, and the mix is 3:1 up to sampling noise
        // (binomial: a share of 0.75 over several hundred documents lies within 0.65..0.85).
        Assert.Equal(Convert.ToInt64(rows[0][2]), a + b);
        Assert.InRange(a + b, 300, 2000);
        Assert.InRange((double)a / (a + b), 0.65, 0.85);
    }

    [Fact]
    public void InjectedInstancesAppearWhereTheTableSaysAtTheRequestedRate()
    {
        WriteShards();
        var batches = DataStream.Open(Spec(), dir, new DataQualityLog()).Take(25).ToList();
        var rows = batches.SelectMany(b => b.Injections).ToList();
        // Instances per training token: 0.01 × (4 rows × 32 tokens) × 25 batches = 32 exactly.
        Assert.Equal(32, rows.Count);
        foreach (var r in rows)
        {
            var batch = batches.Single(b => b.Step == r.Step).Batch;
            var seg = batch.Row(r.Row).Slice(r.Offset - 1, 4).ToArray();
            Assert.Equal(100257, seg[0]);                                        // EOS opens the segment
            Assert.True(seg[1] >= 100277 && seg[2] >= 100277 && seg[3] >= 100277);   // appended task ids
        }
    }

    /// <summary>A source whose every document is held out (a few curated documents, held_out_every small) yields no training
    /// document in any pass: repeated forever (epochs: 0), the stream read it again and again without a batch or a word,
    /// and the run hung. It now ends, and the run stops saying why.</summary>
    [Theory]
    [InlineData("dolma")]
    [InlineData("pretokenized")]
    public async Task A_source_whose_every_document_is_held_out_ends_and_the_run_says_why(string format)
    {
        // One document, and a held_out_seed that holds it out (the split hashes its source and id).
        var id = format == "dolma" ? "only" : "tokens.bin@0";
        var seed = Enumerable.Range(0, 100).First(s => new HeldOutSplit(2, s).IsHeldOut(new Document(id, "", "default", new("x", 0, 0))));
        if (format == "dolma") File.WriteAllText(Path.Combine(dir, "only.jsonl"), "{\"id\": \"only\", \"text\": \"the one document, held out for validation\"}\n");
        else File.WriteAllBytes(Path.Combine(dir, "tokens.bin"), [.. new uint[] { 5, 6, 7, 8, 9, 10, 100257 }.SelectMany(BitConverter.GetBytes)]);
        var spec = Spec() with
        {
            Sources = [format == "dolma"
                ? new DataSourceSpec { Paths = ["only.jsonl"], Epochs = 0 }
                : new DataSourceSpec { Paths = ["tokens.bin"], Format = "pretokenized", TokenDtype = "uint32", Epochs = 0 }],
            Packing = Spec().Packing with { HeldOutEvery = 2, HeldOutSeed = seed },
            Tasks = [],
        };

        var read = Task.Run(() => DataStream.Open(spec, dir, new DataQualityLog()).Any());
        Assert.True(await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(60))) == read, "the training stream did not end");   // it spun forever
        Assert.False(await read);
        var e = Assert.Throws<DataException>(() => DataStream.RequireDocument(spec, dir));
        Assert.Equal("the sources yielded no training document in a pass: all 1 of its documents are held out for validation " +
            "(one in data.packing.held_out_every = 2, chosen by a hash of each document's source and id): give more documents, " +
            "or raise held_out_every (0 holds none out)", e.Message);
        Assert.Equal(1, DataStream.HeldOut(spec with { Packing = spec.Packing with { SeqLen = 4, ValidationRows = 1 } }, dir).Rows);   // held out, not lost
    }
}
