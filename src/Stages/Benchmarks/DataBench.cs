using System.Diagnostics;
using Retention.Artifacts;
using Retention.Data;

namespace Retention.Benchmarks;

/// <summary>One measurement of `pipeline bench data`.</summary>
public sealed record DataBenchRow(string Timestamp, string Path, int Threads, long Tokens, long Documents, double Seconds,
    double TokensPerSecond);

/// <summary>
/// Tokens/s of the whole data stage (read, decompress, parse, tokenize, pack, batch, inject),
/// one epoch over the given shards, at each thread count; and of the pre-tokenized path
/// (flat uint32 token files, as OLMo's numpy memmap files) written from that epoch's tokens.
/// </summary>
public static class DataBench
{
    public sealed record Config(IReadOnlyList<string> Paths, string BaseDirectory, int[] Threads, int SeqLen, int BatchSize,
        double TaskFrequency);

    /// <summary>Passes over the shards per measurement: Brown is 1.3M tokens, a fraction of a second a pass.</summary>
    public const int Epochs = 3;

    public static async Task<IReadOnlyList<DataBenchRow>> RunAsync(Config c, Action<string> log, CancellationToken ct)
    {
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var rows = new List<DataBenchRow>();
        List<int>? tokens = null;
        // Built once, outside every clock: construction is not throughput (cl100k's takes a fraction of a second).
        var tokenizer = TextTokenizer.Create(new TokenizerSpec());
        var texts = DocumentSource.Create(new DataSourceSpec { Paths = c.Paths, ShuffleBuffer = 1 }, c.BaseDirectory, 0, new DataQualityLog())
            .Documents().Select(d => d.Text).ToList();
        foreach (var t in texts.Take(64)) tokenizer.Encode(t);   // warm the tokenizer's caches and JIT before any clock
        foreach (var threads in c.Threads)
        {
            // The raw tokenizer on the same threads: the texts already in memory, no reading, parsing or packing.
            var raw = Stopwatch.StartNew();
            long rawTokens = 0;
            for (int e = 0; e < Epochs; e++)
                Parallel.ForEach(texts, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct },
                    () => 0L, (text, _, sum) => sum + tokenizer.Encode(text).Length, sum => Interlocked.Add(ref rawTokens, sum));
            var rawRow = new DataBenchRow(stamp, "raw tokenizer", threads, rawTokens, texts.Count * Epochs, raw.Elapsed.TotalSeconds,
                rawTokens / raw.Elapsed.TotalSeconds);
            rows.Add(rawRow);

            var spec = new DataStreamSpec(
                [new DataSourceSpec { Paths = c.Paths, ShuffleBuffer = 256, Epochs = Epochs }],
                new TokenizerSpec { Threads = threads },
                new PackingSpec { SeqLen = c.SeqLen, BatchSize = c.BatchSize, HeldOutEvery = 1000 },
                c.TaskFrequency > 0 ? [new InjectedTaskSpec { Kind = "modular_addition", Frequency = c.TaskFrequency }] : [],
                Seed: 0);
            var collected = tokens is null ? new List<int>() : null;
            var clock = Stopwatch.StartNew();
            long count = 0, docs = 0;
            foreach (var batch in DataStream.Open(spec, c.BaseDirectory, new DataQualityLog(), ct: ct, tokenizer: tokenizer))
            {
                count += (long)batch.Batch.BatchSize * batch.Batch.SeqLen;
                docs = batch.After.Packer.DocumentIndex;
                collected?.AddRange(batch.Batch.Tokens);
            }
            var row = new DataBenchRow(stamp, "text", threads, count, docs, clock.Elapsed.TotalSeconds, count / clock.Elapsed.TotalSeconds);
            log($"{threads} thread(s): raw tokenizer {rawRow.TokensPerSecond / 1e6:F2} M tokens/s; text → batches {row.TokensPerSecond / 1e6:F2} M tokens/s " +
                $"= {row.TokensPerSecond / rawRow.TokensPerSecond:F2} of it ({count:N0} tokens, {docs} documents, {row.Seconds:F2}s)");
            rows.Add(row);
            tokens ??= collected;
        }
        rows.Add(await PretokenizedAsync(tokens!, stamp, log, ct));
        return rows;
    }

    static async Task<DataBenchRow> PretokenizedAsync(List<int> tokens, string stamp, Action<string> log, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("bench-tokens-").FullName;
        try
        {
            var file = Path.Combine(dir, "part-0.npy");
            await using (var w = new BinaryWriter(File.Create(file)))
                foreach (var t in tokens) w.Write((uint)t);
            var source = PretokenizedSource.Create(
                new DataSourceSpec { Paths = [file], Format = "pretokenized", TokenDtype = "uint32", ShuffleShards = false },
                dir, 0, new DataQualityLog());
            var clock = Stopwatch.StartNew();
            long count = 0;
            foreach (var chunk in source.ReadTokens())
            {
                ct.ThrowIfCancellationRequested();
                count += chunk.Tokens.Length;
            }
            var row = new DataBenchRow(stamp, "pretokenized", 1, count, 0, clock.Elapsed.TotalSeconds, count / clock.Elapsed.TotalSeconds);
            log($"pre-tokenized uint32 file → tokens: {row.TokensPerSecond / 1e6:F1} M tokens/s ({count:N0} tokens, {row.Seconds:F2}s)");
            return row;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// The token rate a model consumes when training at a given MFU: MFU·peak / (6·parameters)
    /// (the usual 6N FLOPs per token, attention ignored: small next to 6N at these sizes only for short sequences).
    /// </summary>
    public static double RequiredTokensPerSecond(long parameters, double peakFlops, double mfu) => mfu * peakFlops / (6.0 * parameters);

    public static readonly RecordBatchBuilder<DataBenchRow> Table = new RecordBatchBuilder<DataBenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("path", r => r.Path).Int32("threads", r => r.Threads)
        .Int64("tokens", r => r.Tokens).Int64("documents", r => r.Documents).Float64("seconds", r => r.Seconds)
        .Float64("tokens_per_s", r => r.TokensPerSecond);

    public static Task<string> RecordAsync(IReadOnlyList<DataBenchRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "data", Table, rows);
}
