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
    /// shuffles files keeps every document whole). Each file appears whole (written as .tmp, renamed);
    /// <see cref="PretokenizedManifest"/> records the tokenizer beside them. A uint16 file refuses a
    /// vocabulary above 65,536.
    /// </summary>
    public static TokenizeResult Tokenize(IReadOnlyList<string> paths, string baseDirectory, TextTokenizer tokenizer, string outDir,
        TokenDtype dtype, long tokensPerFile, int threads, DataQualityLog quality, Action<string>? log = null, CancellationToken ct = default,
        PretokenizedManifest? manifest = null)
    {
        if (dtype == TokenDtype.UInt16 && tokenizer.VocabSize > 65_536)
            throw new ArgumentException($"a vocabulary of {tokenizer.VocabSize:N0} does not fit uint16 tokens; use --dtype uint32");
        if (tokensPerFile < 1) throw new ArgumentException($"tokens per file must be ≥ 1, got {tokensPerFile}");
        if (threads < 0) throw new ArgumentException($"threads must be ≥ 0 (0 = every core), got {threads}");
        EarlierOutputs.RefuseSourcesIn(outDir, paths, baseDirectory, Shard.IsDolmaName);
        Directory.CreateDirectory(outDir);
        // The files change from here on: a manifest left from an earlier run would vouch for a mix of old and new.
        File.Delete(Path.Combine(outDir, PretokenizedManifest.FileName));
        var source = DocumentSource.Create(new DataSourceSpec { Paths = paths, ShuffleBuffer = 1, ShuffleShards = false }, baseDirectory, 0, quality);
        var files = new List<string>();
        var clock = Stopwatch.StartNew();
        long documents = 0, tokens = 0, inFile = 0;
        FileStream? current = null;
        void Close()
        {
            if (current is null) return;
            var tmp = current.Name;
            current.Flush(flushToDisk: true);
            current.Dispose();
            File.Move(tmp, tmp[..^4], overwrite: true);
            files.Add(tmp[..^4]);
            current = null;
        }
        try
        {
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
                    current = new FileStream(Path.Combine(outDir, $"part-{files.Count:D5}.npy.tmp"), FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
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
        catch
        {
            if (current is not null) { var tmp = current.Name; current.Dispose(); File.Delete(tmp); }
            throw;
        }
        if (manifest is not null) manifest.Write(outDir);
        EarlierOutputs.Remove(outDir, "part-", 5, ".npy", files, log);
        return new TokenizeResult(files, documents, tokens, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The first <paramref name="documents"/> documents of a source (a URL list, globs, files; in the
    /// source's seeded shard order and block shuffle, so the same seed gives the same sample), written as
    /// Dolma gzip shards sample-NNNN.json.gz of <paramref name="perShard"/> documents each, every document's
    /// line as it was read (<see cref="SampleDocuments.Line"/>), and beside them
    /// <see cref="SampleDocuments.ProvenanceFile"/>, the shard and line each came from.
    /// </summary>
    public static async Task<SampleResult> SampleAsync(IReadOnlyList<string> paths, string baseDirectory, long documents, string outDir,
        long seed, int perShard, DataQualityLog quality, CancellationToken ct = default, Action<string>? log = null)
    {
        if (documents < 1 || perShard < 1) throw new ArgumentException("documents and documents per shard must be ≥ 1");
        EarlierOutputs.RefuseSourcesIn(outDir, paths, baseDirectory, Shard.IsDolmaName);
        var source = DocumentSource.Create(new DataSourceSpec { Paths = paths, Seed = seed }, baseDirectory, seed, quality, keepJson: true);
        Directory.CreateDirectory(outDir);
        var provenance = Path.Combine(outDir, SampleDocuments.ProvenanceFile);
        // The shards change from here on: an earlier run's provenance would name the wrong documents.
        File.Delete(provenance);
        long taken = 0;
        IReadOnlyList<string> shards;
        try
        {
            await using (var rows = new StreamWriter(provenance + ".tmp", false, new System.Text.UTF8Encoding(false)))
            {
                rows.WriteLine(SampleDocuments.ProvenanceHeader);
                shards = await DolmaShards.WriteLinesAsync(source.Documents().Take((int)Math.Min(documents, int.MaxValue)).Select(d =>
                {
                    rows.WriteLine(SampleDocuments.ProvenanceRow(DolmaShards.FileName("sample", taken / perShard), taken % perShard + 1, d));
                    taken++;
                    return SampleDocuments.Line(d);
                }), outDir, "sample", perShard, ct, log);
            }
            File.Move(provenance + ".tmp", provenance, overwrite: true);
        }
        catch
        {
            File.Delete(provenance + ".tmp");
            throw;
        }
        return new SampleResult(shards, taken);
    }
}

/// <summary>What `data sample` wrote: its shards and how many documents (fewer than asked when the sources ran out).</summary>
public sealed record SampleResult(IReadOnlyList<string> Shards, long Documents);
