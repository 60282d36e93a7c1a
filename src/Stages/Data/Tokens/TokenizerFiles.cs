namespace Retention.Data;

/// <summary>
/// The file each tokenizer path names, and how a path that is a folder is told. The model's folder (where the file lies)
/// is there: "no such file" would send the user looking for a missing one. The data commands' options and a pipeline's
/// data.tokenizer say it alike.
/// </summary>
public static class TokenizerFiles
{
    /// <summary>What <paramref name="key"/> (path, merges_path) of a <paramref name="kind"/> tokenizer names.</summary>
    public static string Expected(string kind, string key) =>
        key == "merges_path" ? "merges.txt" : kind == TextTokenizer.HuggingFace ? "tokenizer.json" : "vocab.json";

    /// <summary>"'/abs/tok' is a folder: name the tokenizer.json in it"; null when <paramref name="fullPath"/> is no folder.</summary>
    public static string? FolderProblem(string fullPath, string kind, string key) =>
        Directory.Exists(fullPath) ? $"'{fullPath}' is a folder: name the {Expected(kind, key)} in it" : null;
}
