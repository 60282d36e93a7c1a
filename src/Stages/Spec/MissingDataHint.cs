using Retention.Data;
using Retention.Pipeline;

namespace Retention.Spec;

/// <summary>
/// The command that writes a source's missing data, for the error that says it is missing: on a fresh checkout the
/// shipped pipelines' <c>../data/brown</c> is not there until `pipeline data brown` writes it (nor the gpu profiles'
/// Dolma URL list until it is downloaded). The place is given absolute, because `data` commands resolve --out against
/// the current directory while a pipeline's paths resolve against its own folder (or --data-dir).
/// </summary>
internal static class MissingDataHint
{
    /// <summary>"; `pipeline data brown --out /abs/data/brown` writes the Brown corpus there" (data sample or data tokenize
    /// for other folders, by the source's format), or "" when the entry's folder holds files already (a pattern that
    /// misses them, or files of another format, need another fix), it names a file that is there, or it names a list file
    /// other than Dolma's.</summary>
    public static string For(string entry, string baseDirectory, DataSourceSpec source, TokenizerSpec tokenizer)
    {
        if (IsListFile(entry)) return DolmaList(Path.GetFullPath(entry.Trim(), baseDirectory));
        // A file that is there, of the other format, is not missing: a command writing "there" would name the file as --out.
        if (File.Exists(Path.GetFullPath(entry.Trim(), baseDirectory))) return "";
        var folder = Folder(entry, baseDirectory, source);
        if (HoldsFiles(folder)) return "";
        var dir = ShellWords.Quote(folder);
        if (source.Format == "pretokenized")
            return $"; `pipeline data tokenize SHARDS... --out {dir}{TokenizerOptions(tokenizer, baseDirectory)} --dtype {source.TokenDtype}` " +
                "writes token files there from Dolma shards";
        if (Path.GetFileName(folder).Equals("brown", StringComparison.OrdinalIgnoreCase))
            return $"; `pipeline data brown --out {dir}` writes the Brown corpus there{BrownWrittenHere(folder)}";
        return $"; `pipeline data sample SOURCES... --docs N --out {dir}` writes a local sample of a corpus there " +
            $"(`pipeline data brown --out {dir}`: the Brown corpus)";
    }

    /// <summary>" (the one `pipeline data brown` wrote without --out, /abs/data/brown, is not where this file reads)" where the
    /// current folder's data/brown holds files and is not the folder read: the shipped pipelines' comments say `pipeline data
    /// brown`, which, run from a folder of the user's own, writes there, and the bare command seemed to have been ignored.</summary>
    static string BrownWrittenHere(string folder)
    {
        var written = Path.GetFullPath(BrownDefaults.Out);
        return written.TrimEnd('/') != folder.TrimEnd('/') && HoldsFiles(written)
            ? $" (the one `pipeline data brown` wrote without --out, {ShellWords.Quote(written)}, is not where this file reads)" : "";
    }

    /// <summary>The folder an entry reads: a glob's part before its first wildcard, a shard file's folder, or the entry
    /// itself, a folder.</summary>
    internal static string Folder(string entry, string baseDirectory, DataSourceSpec source)
    {
        var segments = entry.Trim().Replace('\\', '/').TrimEnd('/').Split('/');
        var firstWild = Array.FindIndex(segments, Glob.HasWildcards);
        var kept = firstWild >= 0 ? segments[..firstWild] : source.Reads(segments[^1]) ? segments[..^1] : segments;
        var folder = string.Join('/', kept);
        return Path.GetFullPath(folder.Length > 0 ? folder : entry.TrimStart().StartsWith('/') ? "/" : ".", baseDirectory);
    }

    private static bool IsListFile(string entry) => !Glob.HasWildcards(entry)
        && (entry.TrimEnd().EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || entry.TrimEnd().EndsWith(".urls", StringComparison.OrdinalIgnoreCase));

    /// <summary>The gpu profiles' Dolma v1.7 URL list, where it is missing: the download README "Dolma" gives.</summary>
    private static string DolmaList(string file) =>
        File.Exists(file) || !Path.GetFileName(file).Equals(DolmaListName, StringComparison.Ordinal) ? ""
            : $"; `curl -L {DolmaListUrl} --create-dirs -o {ShellWords.Quote(file)}` downloads Dolma v1.7's list of shard URLs there";

    internal const string DolmaListName = "v1_7.txt";
    internal const string DolmaListUrl = "https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt";

    private static bool HoldsFiles(string folder) => Directory.Exists(folder)
        && Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true }).Any();

    /// <summary>The tokenizer the pipeline reads, as `data tokenize` options (its files absolute, as the folder is).</summary>
    private static string TokenizerOptions(TokenizerSpec tokenizer, string baseDirectory)
    {
        var options = $" --tokenizer {tokenizer.Kind}";
        foreach (var (key, option, file) in new[] { ("path", "--tokenizer-path", tokenizer.Path), ("merges_path", "--merges-path", tokenizer.MergesPath) })
            if (!string.IsNullOrWhiteSpace(file) && TextTokenizer.FileKeys(tokenizer.Kind).Contains(key))
                options += $" {option} {ShellWords.Quote(Path.GetFullPath(file, baseDirectory))}";
        return options;
    }
}
