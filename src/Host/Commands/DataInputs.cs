using Retention.Data;

namespace Retention.Host.Commands;

/// <summary>
/// What the data commands are given, checked before any work and reported as usage errors (exit 2) in the
/// command line's terms: sources that match no shard file, and tokenizer files that are missing or unreadable.
/// </summary>
public static class DataInputs
{
    /// <summary>What to tell a user whose glob or folder holds only files the data commands do not read.</summary>
    public const string FormatAdvice = "`data tokenize` and `data sample` read Dolma JSON lines (.json.gz, .jsonl, .json.zst, ...); " +
        "token files are read by a pipeline (format: pretokenized)";

    /// <summary>What `bench data --source` is told of such files.</summary>
    public const string BenchFormatAdvice = "`bench data --source` reads Dolma JSON lines (.json.gz, .jsonl, .json.zst, ...); " +
        "it writes and times a token file of its own";

    /// <summary>The sources' shards, relative entries resolved against the current directory.</summary>
    /// <param name="formatAdvice">What the command reads, said of a glob or folder that holds only other files.</param>
    /// <exception cref="UsageException">An entry matches no shard file, or names a file that is not one.</exception>
    public static void CheckSources(IReadOnlyList<string> sources, string formatAdvice = FormatAdvice)
    {
        try { ShardList.Expand(sources, Directory.GetCurrentDirectory(), Shard.IsDolmaName, formatAdvice); }
        catch (DataException e) { throw new UsageException(e.Message); }
    }

    /// <summary>The tokenizer the options name, its files read now (gpt2's fetched on first use, until <paramref name="ct"/> stops it).</summary>
    /// <exception cref="UsageException">A tokenizer file is missing, a folder or not a tokenizer, or lacks the EOS token; the
    /// message names its option.</exception>
    public static TextTokenizer Tokenizer(TokenizerSpec spec, CancellationToken ct = default)
    {
        foreach (var (file, option, key) in new[] { (spec.Path, "--tokenizer-path", "path"), (spec.MergesPath, "--merges-path", "merges_path") })
        {
            if (file is not null && TokenizerFiles.FolderProblem(Path.GetFullPath(file), spec.Kind, key) is { } folder)
                throw new UsageException($"{option} {file}: {folder}");
            if (file is not null && !File.Exists(file))
                throw new UsageException($"{option} {file}: no such file '{Path.GetFullPath(file)}'");
        }
        try { return TextTokenizer.Create(spec, ct: ct); }
        catch (DataException e) when (e.MissingEosToken is not null)
        {
            throw new UsageException($"--tokenizer {spec.Kind}{FileOptions(spec)}: {e.Message}: give the token it ends documents with as --eos-token TEXT");
        }
        // cl100k_base names its special tokens; said as the option, not the YAML key.
        catch (ArgumentException e) when (e.Message.StartsWith("tokenizer.eos_token: ", StringComparison.Ordinal))
        {
            throw new UsageException("--eos-token " + e.Message["tokenizer.eos_token: ".Length..]);
        }
        catch (DataException e) when (!TextTokenizer.IsBuiltIn(spec.Kind))
        {
            throw new UsageException($"--tokenizer {spec.Kind}{FileOptions(spec)}: {e.Message}");
        }
    }

    /// <summary>" --tokenizer-path X --merges-path Y", the file options given, as an error repeats the command's tokenizer.</summary>
    static string FileOptions(TokenizerSpec spec) =>
        (spec.Path is null ? "" : $" --tokenizer-path {spec.Path}") + (spec.MergesPath is null ? "" : $" --merges-path {spec.MergesPath}");
}
