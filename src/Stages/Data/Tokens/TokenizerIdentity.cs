using System.Security.Cryptography;

namespace Retention.Data;

/// <summary>
/// What tells two tokenizers of one kind apart: the vocabulary's size, the EOS id, and for a kind read from
/// files (huggingface, bpe) a SHA-256 of their contents. Two `bpe` tokenizers can hold unrelated
/// vocabularies (a bytes vocabulary and GPT-2's); token files written by one and packed by the other
/// never meet their EOS.
/// </summary>
public sealed record TokenizerIdentity(int VocabSize, int EosId, string? Sha256)
{
    /// <summary>The identity of <paramref name="tokenizer"/>, built from <paramref name="spec"/>.</summary>
    /// <param name="baseDirectory">What the spec's relative file paths resolve against; default the current directory.</param>
    public static TokenizerIdentity Of(TokenizerSpec spec, TextTokenizer tokenizer, string? baseDirectory = null) =>
        new(tokenizer.VocabSize, tokenizer.EosId, FilesSha256(spec, baseDirectory));

    /// <summary>SHA-256 (lower-case hex) over the files the kind reads, in key order (path, merges_path), each preceded by
    /// its length so that no two file pairs hash alike; null for a built-in kind, whose vocabulary the kind pins.</summary>
    public static string? FilesSha256(TokenizerSpec spec, string? baseDirectory = null)
    {
        var keys = TextTokenizer.FileKeys(spec.Kind);
        if (keys.Count == 0) return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var key in keys)
        {
            var file = key == "path" ? spec.Path : spec.MergesPath;
            if (string.IsNullOrWhiteSpace(file)) return null;
            var bytes = File.ReadAllBytes(Path.GetFullPath(file, baseDirectory ?? Directory.GetCurrentDirectory()));
            hash.AppendData(BitConverter.GetBytes((long)bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
