using System.Diagnostics;
using Retention.Artifacts;
using Retention.Data;

namespace Retention.Benchmarks;

/// <summary>One measurement of `pipeline bench data` (<paramref name="Repeat"/>: which of the repeated measurements).</summary>
/// <param name="CpuSeconds">The process's CPU seconds over the measurement, every thread (GC and JIT included): unlike the
/// wall clock, little changed by other work on a shared machine, and what bounds the stream on the raw tokenizer's cores.</param>
/// <param name="Bytes">The decompressed bytes read: the shard-reading measurement's (<see cref="ShardReadingFloor"/>, whose
/// tokens are 0); 0 for the others.</param>
public sealed record DataBenchRow(string Timestamp, string Path, int Threads, long Tokens, long Documents, double Seconds,
    double TokensPerSecond, int Repeat = 0, double CpuSeconds = 0, long Bytes = 0);

/// <summary>
/// Tokens/s of the whole data stage (read, decompress, parse, tokenize, pack, batch, inject),
/// one epoch over the given shards, at each thread count, with the CPU of reading the shards alone beside it (the most the
/// stream can reach, <see cref="ShardReadingFloor"/>); and of the pre-tokenized path
/// (flat uint32 token files, as OLMo's numpy memmap files) written from that epoch's tokens.
/// The raw tokenizer and the stream are measured in turn, <see cref="Config.Repeats"/> times each, and
/// the median ratio is reported: a measurement of a second or two on a shared machine varies by ±10%. Each thread count
/// starts with one untimed measurement of each path: timed, the first fills the tokenizer's word cache and runs the code
/// before the JIT has optimised it, and the first repeat was off the others (a ratio of 1.24 against 0.76 reported; on
/// Brown, 1 thread, 3 epochs, 2 cores: the raw tokenizer at 1.23 M tokens/s against 1.34 and 1.61). One untimed pass was
/// not enough (1.31 then 1.70 and 1.90): tiered compilation was still promoting methods during the first repeat.
/// </summary>
public static class DataBench
{
    /// <param name="Epochs">Passes over the shards per measurement (Brown is 1.3M tokens, a fraction of a second a pass).</param>
    /// <param name="Repeats">Measurements of each path per thread count, taken in turn.</param>
    /// <param name="ParseAhead">Lines the stream parses ahead on the thread pool; null: the machine's default.</param>
    public sealed record Config(IReadOnlyList<string> Paths, string BaseDirectory, int[] Threads, int SeqLen, int BatchSize,
        double TaskFrequency, int Epochs = 10, int Repeats = 3, int? ParseAhead = null);

    /// <param name="warn">Told what makes the figures less than they seem (bad lines skipped in every measurement).</param>
    public static async Task<IReadOnlyList<DataBenchRow>> RunAsync(Config c, Action<string> log, CancellationToken ct, Action<string>? warn = null)
    {
        var stamp = BenchRecords.Timestamp();
        var rows = new List<DataBenchRow>();
        List<int>? tokens = null;
        // Built once, outside every clock: construction is not throughput (cl100k's takes a fraction of a second).
        var tokenizer = TextTokenizer.Create(new TokenizerSpec());
        var quality = new DataQualityLog();
        // The raw tokenizer gets the documents the stream trains on, not the held-out slice the stream skips untokenized.
        var split = HeldOutSplit.From(Packing(c));
        long documents = 0;
        var texts = DocumentSource.Create(new DataSourceSpec { Paths = c.Paths, ShuffleBuffer = 1 }, c.BaseDirectory, 0, quality)
            .Documents().Where(d => { documents++; return split.IsTraining(d); }).Select(d => d.Text).ToList();
        if (documents == 0)   // a rate of nothing is NaN, not a figure
            throw new DataException($"{Data.Corpus.EmptyOutputs.NoDocument(quality)}: nothing to measure");
        if (BadData(quality) is { } bad) warn?.Invoke(bad);
        if (texts.Count == 0)
            throw new DataException($"every document of the sources ({documents:N0}) is held out for validation, as the stream skips it (one in " +
                $"{split.Every:N0}, as a run's data.packing.held_out_every; chosen by a hash of each document's source and id): nothing to measure; give more documents");
        foreach (var t in texts.Take(64)) tokenizer.Encode(t);   // warm the tokenizer's caches and JIT before any clock
        var parseAhead = c.ParseAhead ?? ShardSequence.DefaultParseAhead;
        log(parseAhead == 0 ? "the stream parses lines on its reading thread (--parse-ahead 0)"
            : $"the stream parses up to {Messages.Counted.Of(parseAhead, "line")} ahead on the thread pool (--parse-ahead)");
        foreach (var threads in c.Threads)
        {
            List<double> ratios = [], libraryRatios = [], cpuRatios = [], ceilings = [], readingShares = [];
            var warmRaw = Raw(texts, tokenizer, threads, c.Epochs, stamp, -1, libraryAlone: false, ct);
            Raw(texts, tokenizer, threads, c.Epochs, stamp, -1, libraryAlone: true, ct);
            if (Stream(c, tokenizer, threads, stamp, -1, null, ct).Tokens == 0) throw TooFewTokens(c, warmRaw);
            ShardReadingFloor.Measure(c.Paths, c.BaseDirectory, 1, ct);
            log($"{Messages.Counted.Of(threads, "thread")}, warm-up: one untimed measurement of each path (not recorded)");
            for (int repeat = 0; repeat < c.Repeats; repeat++)
            {
                var rawRow = Raw(texts, tokenizer, threads, c.Epochs, stamp, repeat, libraryAlone: false, ct);
                var libraryRow = Raw(texts, tokenizer, threads, c.Epochs, stamp, repeat, libraryAlone: true, ct);
                var collected = tokens is null ? new List<int>() : null;
                var row = Stream(c, tokenizer, threads, stamp, repeat, collected, ct);
                tokens ??= collected;
                var reading = Reading(c, stamp, threads, repeat, ct);
                ceilings.Add(ShardReadingFloor.Ceiling(rawRow.CpuSeconds, reading.CpuSeconds));
                readingShares.Add(reading.CpuSeconds / Math.Max(rawRow.CpuSeconds, 1e-3));
                ratios.Add(row.TokensPerSecond / rawRow.TokensPerSecond);
                libraryRatios.Add(row.TokensPerSecond / libraryRow.TokensPerSecond);
                cpuRatios.Add(TokensPerCpuSecond(row) / TokensPerCpuSecond(rawRow));
                log($"{Messages.Counted.Of(threads, "thread")}, #{repeat + 1}: raw tokenizer {rawRow.TokensPerSecond / 1e6:F2} M tokens/s (the library's alone " +
                    $"{libraryRow.TokensPerSecond / 1e6:F2}); text → batches {row.TokensPerSecond / 1e6:F2} M tokens/s = {ratios[^1]:F2} of the raw tokenizer, " +
                    $"{libraryRatios[^1]:F2} of the library's ({row.Tokens:N0} tokens in rows of seq_len + 1, {row.Documents} documents, {row.Seconds:F2}s); " +
                    $"per CPU second {cpuRatios[^1]:F2} of the raw tokenizer's tokens ({row.CpuSeconds:F2} against {rawRow.CpuSeconds:F2} CPU s); " +
                    $"reading the shards alone {reading.CpuSeconds:F2} CPU s ({reading.Bytes / 1e6:F1} MB decompressed)");
                rows.AddRange([rawRow, libraryRow, row, reading]);
            }
            log($"{Messages.Counted.Of(threads, "thread")}: text → batches at {Median(ratios):F2} of the raw tokenizer (median of {ratios.Count}; " +
                $"{ratios.Min():F2}–{ratios.Max():F2}), {Median(libraryRatios):F2} of the library tokenizer alone ({libraryRatios.Min():F2}–{libraryRatios.Max():F2}); " +
                $"per CPU second it moves {Median(cpuRatios):F2} of the raw tokenizer's tokens ({cpuRatios.Min():F2}–{cpuRatios.Max():F2})");
            log($"{Messages.Counted.Of(threads, "thread")}: reading the shards alone (opened and decompressed as the stream does, nothing parsed) costs " +
                $"{Percent(Median(readingShares))} of the raw tokenizer's CPU ({Percent(readingShares.Min())}–{Percent(readingShares.Max())}): a stream that reads them can move at " +
                $"most {Median(ceilings):F2} of its tokens per CPU second ({ceilings.Min():F2}–{ceilings.Max():F2}), whatever else it spends");
        }
        rows.Add(await PretokenizedAsync(tokens!, stamp, log, ct));
        return rows;
    }

    /// <summary>Sources whose --epochs passes do not fill one batch: the stream yields none, and a rate of 0 tokens/s (and of
    /// an empty pre-tokenized file) would be recorded as if measured.</summary>
    static DataException TooFewTokens(Config c, DataBenchRow raw) =>
        new($"the sources hold {raw.Tokens:N0} tokens in {Messages.Counted.Of(c.Epochs, "pass", plural: "passes")} (--epochs), too few to fill one batch of {c.BatchSize} rows " +
            $"of {c.SeqLen + 1} tokens (--batch-size, --seq-len + 1): nothing to measure; raise --epochs or lower " +
            "--batch-size or --seq-len");

    /// <summary>The bad lines and shards of the sources, or null when there are none: every measurement reads and skips them, so
    /// a rate over a corpus with many says little of one without, and nothing else would tell.</summary>
    public static string? BadData(DataQualityLog quality) => quality.Counts() is not { } counts ? null
        : $"the sources hold {counts} (their lines and shards skipped in every measurement: the figures are of the rest); " +
          $"the first: {DataException.Format(quality.Issues[0])}";

    /// <summary>The stream's packing: a run's default held-out slice (one document in 1,000), so the stream skips what a run's does.</summary>
    static PackingSpec Packing(Config c) => new() { SeqLen = c.SeqLen, BatchSize = c.BatchSize, HeldOutEvery = 1000 };

    /// <summary>The injected task the stream carries (modular addition at --task-frequency, its default gap); none at 0.</summary>
    static IReadOnlyList<InjectedTaskSpec> Tasks(Config c) =>
        c.TaskFrequency > 0 ? [new InjectedTaskSpec { Kind = "modular_addition", Frequency = c.TaskFrequency }] : [];

    /// <summary>Why the bench's task does not fit half a row (the injector's rule, <see cref="InjectionFit"/>), said in the
    /// bench's options (the injector's own words name a gap and keys bench data has not); null when it fits.</summary>
    public static string? FitProblem(Config c)
    {
        var packing = Packing(c);
        var fit = InjectionFit.Of(Tasks(c).Select(t => InjectionSchedule.Create(t.Frequency, packing.TokensPerBatch, t.Gap)), packing.BatchSize, packing.RowLength);
        return fit.Fits ? null : $"--task-frequency {c.TaskFrequency}: {fit.Excess()}; lower --task-frequency, or raise --seq-len or --batch-size";
    }

    /// <summary>The raw tokenizer on the given threads: the texts already in memory, no reading, parsing or packing. Its
    /// tokens are counted as the packer emits them, a document's tokens and its EOS (the texts are the training documents
    /// alone), so the two sides count the same tokens but for the stream's last part-batch.</summary>
    /// <param name="libraryAlone">Encode with the library tokenizer alone, without the word cache the stream encodes with
    /// (<see cref="CachedEncoder"/>; an instance per thread all the same): the reference earlier figures were taken against.</param>
    static DataBenchRow Raw(List<string> texts, TextTokenizer tokenizer, int threads, int epochs, string stamp, int repeat, bool libraryAlone, CancellationToken ct)
    {
        int Count(string text)
        {
            if (!libraryAlone) return tokenizer.Encode(text).Length;
            using var lease = tokenizer.Rent();
            return lease.Encoder.Library.EncodeToIds(text).Count;
        }
        var clock = new WallAndCpuClock();
        long count = 0;
        for (int e = 0; e < epochs; e++)
            Parallel.ForEach(texts, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct },
                () => 0L, (text, _, sum) => sum + Count(text) + 1, sum => Interlocked.Add(ref count, sum));
        var (seconds, cpu) = (clock.Seconds, clock.CpuSeconds);
        return new(stamp, libraryAlone ? "library tokenizer" : "raw tokenizer", threads, count, (long)texts.Count * epochs,
            seconds, count / seconds, repeat, cpu);
    }

    /// <summary>The shards read alone, as a row of the table (path "reading", no tokens, its decompressed bytes).</summary>
    static DataBenchRow Reading(Config c, string stamp, int threads, int repeat, CancellationToken ct)
    {
        var r = ShardReadingFloor.Measure(c.Paths, c.BaseDirectory, c.Epochs, ct);
        return new(stamp, "reading", threads, 0, 0, r.Seconds, 0, repeat, r.CpuSeconds, r.Bytes);
    }

    /// <summary>The whole text path, shards to injected batches, with <paramref name="threads"/> tokenizer workers.</summary>
    static DataBenchRow Stream(Config c, TextTokenizer tokenizer, int threads, string stamp, int repeat, List<int>? collected, CancellationToken ct)
    {
        var spec = new DataStreamSpec(
            [new DataSourceSpec { Paths = c.Paths, ShuffleBuffer = 256, Epochs = c.Epochs }],
            new TokenizerSpec { Threads = threads },
            Packing(c),
            Tasks(c),
            Seed: 0,
            ParseAhead: c.ParseAhead);
        var clock = new WallAndCpuClock();
        long count = 0, docs = 0;
        foreach (var batch in DataStream.Open(spec, c.BaseDirectory, new DataQualityLog(), ct: ct, tokenizer: tokenizer))
        {
            count += batch.Batch.StreamTokens;   // rows × (seq_len + 1), as a data run counts them; rows × seq_len left out a token a row
            docs = batch.After.Packer.DocumentIndex;
            collected?.AddRange(batch.Batch.Tokens);
        }
        var (seconds, cpu) = (clock.Seconds, clock.CpuSeconds);
        return new(stamp, "text", threads, count, docs, seconds, count / seconds, repeat, cpu);
    }

    /// <summary>Tokens a measurement moved per CPU second of the process: the stream's reading, parsing and packing cost CPU
    /// the raw tokenizer does not spend, so on cores both keep busy the ratio of these is the stream's ceiling. With cores to
    /// spare (fewer tokenizer threads than cores) it counts the runtime's spin-waiting on them too, and says less (on 2 cores,
    /// 1 thread: 0.53 where the wall clock gave 0.88).</summary>
    static double TokensPerCpuSecond(DataBenchRow row) => row.Tokens / Math.Max(row.CpuSeconds, 1e-3);

    static string Percent(double share) => $"{share * 100:F0}%";

    static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
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
            var clock = new WallAndCpuClock();
            long count = 0;
            foreach (var chunk in source.ReadTokens())
            {
                ct.ThrowIfCancellationRequested();
                count += chunk.Tokens.Length;
            }
            var (seconds, cpu) = (clock.Seconds, clock.CpuSeconds);
            var row = new DataBenchRow(stamp, "pretokenized", 1, count, 0, seconds, count / seconds, CpuSeconds: cpu);
            log($"pre-tokenized uint32 file → tokens: {row.TokensPerSecond / 1e6:F1} M tokens/s ({count:N0} tokens, {row.Seconds:F2}s)");
            return row;
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    /// <summary>
    /// The stream's tokens/s a model consumes when training at a given MFU, counted as the measured rates are, rows ×
    /// (seq_len + 1): it trains on MFU·peak / (6·parameters) positions/s (the usual 6N FLOPs per token, attention ignored:
    /// small next to 6N at these sizes only for short sequences), seq_len of each row's seq_len + 1 tokens. Said in
    /// trained positions, as before, it was below the stream rate it was set against by a token a row (1.6% at seq_len 64).
    /// </summary>
    public static double RequiredTokensPerSecond(long parameters, double peakFlops, double mfu, int seqLen) =>
        mfu * peakFlops / (6.0 * parameters) * (seqLen + 1) / seqLen;

    public static readonly RecordBatchBuilder<DataBenchRow> Table = new RecordBatchBuilder<DataBenchRow>()
        .Utf8("timestamp", r => r.Timestamp).Utf8("path", r => r.Path).Int32("threads", r => r.Threads)
        .Int64("tokens", r => r.Tokens).Int64("documents", r => r.Documents).Float64("seconds", r => r.Seconds)
        .Float64("tokens_per_s", r => r.TokensPerSecond).Int32("repeat", r => r.Repeat).Float64("cpu_seconds", r => r.CpuSeconds)
        .Int64("bytes", r => r.Bytes);

    public static Task<string> RecordAsync(IReadOnlyList<DataBenchRow> rows, string artifactsRoot) =>
        BenchRecords.WriteAsync(artifactsRoot, "data", Table, rows);
}
