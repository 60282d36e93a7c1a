using System.Buffers.Binary;
using System.Diagnostics;

namespace Retention.Data.Corpus;

/// <summary>What `data tokenize` wrote: files, documents, tokens and the rate.</summary>
public sealed record TokenizeResult(IReadOnlyList<string> Files, long Documents, long Tokens, double Seconds)
{
    public double TokensPerSecond => Tokens / Math.Max(Seconds, 1e-9);
}

/// <summary>
/// Preparing data for repeatable GPU runs: a fixed local sample of Dolma documents from a URL list
/// (<see cref="SampleAsync"/>), and OLMo-format pre-tokenized files from Dolma shards
/// (<see cref="Tokenize"/>) that a run then reads at hundreds of millions of tokens per second.
/// </summary>
public static class ShardTools
{
    /// <summary>
    /// Tokenizes every document of <paramref name="paths"/> (in sorted shard order, no shuffle) on all
    /// cores, in order, each followed by EOS, into flat little-endian uint16/uint32 files (OLMo's numpy
    /// memmap format, no header): part-00000.npy, ... A file ends after the document that brings it to
    /// <paramref name="tokensPerFile"/> tokens, so no document is split across files (a reader that
    /// shuffles files keeps every document whole). <see cref="PretokenizedManifest"/> records the tokenizer
    /// beside them. The set replaces an earlier one in <paramref name="outDir"/> whole, once complete
    /// (<see cref="StagedOutput"/>), and only when it holds a document (<see cref="EmptyOutputs"/>). A uint16 file
    /// refuses a vocabulary above 65,536.
    /// </summary>
    /// <exception cref="OutputKeptException">Reading a source or writing the set failed; the earlier set is as it was.</exception>
    public static TokenizeResult Tokenize(IReadOnlyList<string> paths, string baseDirectory, TextTokenizer tokenizer, string outDir,
        TokenDtype dtype, long tokensPerFile, int threads, DataQualityLog quality, Action<string>? log = null, CancellationToken ct = default,
        PretokenizedManifest? manifest = null, Action<string>? notice = null)
    {
        if (dtype == TokenDtype.UInt16 && tokenizer.VocabSize > 65_536)
            throw new ArgumentException($"a vocabulary of {tokenizer.VocabSize:N0} does not fit uint16 tokens; use --dtype uint32");
        if (tokensPerFile < 1) throw new ArgumentException($"tokens per file must be ≥ 1, got {tokensPerFile}");
        if (threads < 0) throw new ArgumentException($"threads must be ≥ 0 (0 = every core), got {threads}");
        EarlierOutputs.RefuseSourcesIn(outDir, paths, baseDirectory, Shard.IsDolmaName);
        using var staged = StagedOutput.Begin(outDir, IsTokenizeOutput, log);
        var files = new List<string>();
        var clock = Stopwatch.StartNew();
        long documents = 0, tokens = 0, inFile = 0;
        FileStream? current = null;
        void Close()
        {
            if (current is null) return;
            current.Flush(flushToDisk: true);
            current.Dispose();
            files.Add(current.Name);
            current = null;
        }
        try
        {
            var source = DocumentSource.Create(new DataSourceSpec { Paths = paths, ShuffleBuffer = 1, ShuffleShards = false }, baseDirectory, 0, quality,
                new ShardReader(notice: notice ?? log, stop: ct));
            int size = (int)dtype;
            foreach (var doc in ParallelTokenizer.Tokenize(tokenizer, source.Documents(), threads: threads, ct: ct))
            {
                // The document and its EOS as bytes, written whole into the current file.
                var bytes = new byte[(doc.Tokens.Length + 1) * size];
                for (int i = 0; i <= doc.Tokens.Length; i++)
                {
                    int id = i < doc.Tokens.Length ? doc.Tokens[i] : tokenizer.EosId;
                    if (dtype == TokenDtype.UInt16) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(i * 2), (ushort)id);
                    else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(i * 4), (uint)id);
                }
                if (current is null)
                {
                    current = new FileStream(Path.Combine(staged.Folder, PartName(files.Count)), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
                    inFile = 0;
                }
                current.Write(bytes);
                inFile += doc.Tokens.Length + 1;
                tokens += doc.Tokens.Length + 1;
                if (inFile >= tokensPerFile) Close();
                if (++documents % 10_000 == 0) log?.Invoke($"{documents:N0} documents, {tokens:N0} tokens, {tokens / clock.Elapsed.TotalSeconds / 1e6:F2} M tokens/s");
            }
            Close();
        }
        catch (Exception e) when (OutputKeptException.Wraps(e)) { throw new OutputKeptException(staged.Target, e); }
        finally
        {
            // A file is still open here only when writing it failed (a full disk): its Dispose flushes the same buffer to the
            // same disk and throws again, which replaced the error above, the one that says the output was left as it was.
            // The handle is closed either way, and the unfinished set is deleted with the staging folder.
            try { current?.Dispose(); }
            catch (IOException) { }
        }
        EmptyOutputs.Refuse(documents, quality, staged.Target);
        manifest?.Write(staged.Folder);
        staged.Commit();
        return new TokenizeResult([.. files.Select(staged.Final)], documents, tokens, clock.Elapsed.TotalSeconds);
    }

    /// <summary>The name of the <paramref name="index"/>-th token file (0-based).</summary>
    public static string PartName(int index) => $"part-{index:D5}.npy";

    /// <summary>What `data tokenize` writes (and an earlier version left half written, under .tmp): the token
    /// files and their manifest, which a new set replaces; any other file in the folder is kept.</summary>
    public static bool IsTokenizeOutput(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, @"^(part-[0-9]{5,}\.npy|" + System.Text.RegularExpressions.Regex.Escape(PretokenizedManifest.FileName) + @")(\.tmp)?$");

    /// <summary>What `data sample` writes: its shards and their provenance, which a new sample replaces.</summary>
    public static bool IsSampleOutput(string name) =>
        DolmaShards.IsShardName(name, "sample") || name == SampleDocuments.ProvenanceFile || name == SampleDocuments.ProvenanceFile + ".tmp";

    /// <summary>The most documents <see cref="SampleAsync"/> takes, said rather than silently applied (Enumerable.Take counts in an
    /// int): 2^31 documents are terabytes of shards, beyond what a local sample is for.</summary>
    public const long MaxSampleDocuments = int.MaxValue;

    /// <summary>
    /// The first <paramref name="documents"/> documents of a source (a URL list, globs, files; in the
    /// source's seeded shard order and block shuffle, so the same seed gives the same sample), written as
    /// Dolma gzip shards sample-NNNN.json.gz of <paramref name="perShard"/> documents each, every document's
    /// line as it was read (<see cref="SampleDocuments.Line"/>), and beside them
    /// <see cref="SampleDocuments.ProvenanceFile"/>, the shard and line each came from. The sample replaces an
    /// earlier one in <paramref name="outDir"/> whole, once complete (<see cref="StagedOutput"/>), and only when it
    /// holds a document (<see cref="EmptyOutputs"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="documents"/> is below 1 or above <see cref="MaxSampleDocuments"/>.</exception>
    /// <exception cref="OutputKeptException">Reading a source or writing the sample failed; the earlier one is as it was.</exception>
    public static async Task<SampleResult> SampleAsync(IReadOnlyList<string> paths, string baseDirectory, long documents, string outDir,
        long seed, int perShard, DataQualityLog quality, CancellationToken ct = default, Action<string>? log = null, Action<string>? notice = null)
    {
        if (documents < 1 || perShard < 1) throw new ArgumentException("documents and documents per shard must be ≥ 1");
        if (documents > MaxSampleDocuments) throw new ArgumentException($"{documents:N0} documents is more than a sample takes (at most {MaxSampleDocuments:N0})");
        EarlierOutputs.RefuseSourcesIn(outDir, paths, baseDirectory, Shard.IsDolmaName);
        var source = DocumentSource.Create(new DataSourceSpec { Paths = paths, Seed = seed }, baseDirectory, seed, quality, new ShardReader(notice: notice ?? log, stop: ct), keepJson: true);
        using var staged = StagedOutput.Begin(outDir, IsSampleOutput, log);
        long taken = 0;
        var shards = new List<string>();
        var rows = new StreamWriter(Path.Combine(staged.Folder, SampleDocuments.ProvenanceFile), false, new System.Text.UTF8Encoding(false));
        try
        {
            rows.WriteLine(SampleDocuments.ProvenanceHeader);
            // A shard's provenance rows are written once the shard is, and flushed: a failure while writing a shard (a full disk)
            // leaves nothing of them buffered, so the error is the shard's, and the rows never name a line no shard holds.
            // Ctrl+C is heeded at each document, not only at each shard's end: a shard of 10,000 documents streamed over HTTP
            // takes a while.
            var sampled = source.Documents().Take((int)documents).Select(d =>
            {
                ct.ThrowIfCancellationRequested();
                return (Line: SampleDocuments.Line(d), Document: d with { Text = "", Json = null });
            });
            foreach (var chunk in sampled.Chunk(perShard))
            {
                ct.ThrowIfCancellationRequested();
                var shard = Path.Combine(staged.Folder, DolmaShards.FileName("sample", shards.Count));
                await DolmaShards.WriteShardAsync(shard, chunk.Select(c => c.Line));
                shards.Add(shard);
                for (int i = 0; i < chunk.Length; i++)
                    rows.WriteLine(SampleDocuments.ProvenanceRow(Path.GetFileName(shard), i + 1, chunk[i].Document));
                await rows.FlushAsync(ct);
                taken += chunk.Length;
            }
            await rows.DisposeAsync();
        }
        catch (Exception e) when (OutputKeptException.Wraps(e)) { throw new OutputKeptException(staged.Target, e); }
        finally
        {
            // Closed here only after a failure. A provenance flush that failed left its rows buffered, and closing flushes them onto
            // the same full disk again: that second error replaced the first, the one that says the output was left as it was.
            try { rows.Dispose(); }
            catch (IOException) { }
        }
        EmptyOutputs.Refuse(taken, quality, staged.Target);
        staged.Commit();
        return new SampleResult([.. shards.Select(staged.Final)], taken);
    }
}

/// <summary>What `data sample` wrote: its shards and how many documents (fewer than asked when the sources ran out).</summary>
public sealed record SampleResult(IReadOnlyList<string> Shards, long Documents);
