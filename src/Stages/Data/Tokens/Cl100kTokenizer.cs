using System.IO.Compression;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Retention.Data;

/// <summary>
/// cl100k_base from the offline data package, built with a pre-tokenizer that does not know the
/// special tokens. TiktokenTokenizer.CreateForEncoding would turn "&lt;|endoftext|&gt;" inside a
/// document into id 100257; here only the packer writes EOS. The ranks are the package's own
/// (its embedded cl100k_base.tiktoken.deflate) and the split pattern is tiktoken's cl100k pattern;
/// a test checks the result equals CreateForEncoding's on text without special tokens.
/// </summary>
public static class Cl100kTokenizer
{
    private const string DataAssembly = "Microsoft.ML.Tokenizers.Data.Cl100kBase";
    private const string RanksResource = "cl100k_base.tiktoken.deflate";

    /// <summary>tiktoken's cl100k_base split pattern (openai_public.py).</summary>
    public const string Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>cl100k_base's special tokens; the largest id, 100276, fixes the vocabulary size 100277.</summary>
    public static readonly IReadOnlyDictionary<string, int> SpecialTokens = new Dictionary<string, int>
    {
        ["<|endoftext|>"] = 100257,
        ["<|fim_prefix|>"] = 100258,
        ["<|fim_middle|>"] = 100259,
        ["<|fim_suffix|>"] = 100260,
        ["<|endofprompt|>"] = 100276,
    };

    public static TextTokenizer Create(string eosToken = "<|endoftext|>")
    {
        if (!SpecialTokens.TryGetValue(eosToken, out int eos))
            throw new ArgumentException($"tokenizer.eos_token: '{eosToken}' is not a cl100k_base special token ({string.Join(", ", SpecialTokens.Keys)}).");
        return new TextTokenizer(TextTokenizer.Cl100kBase, Build, SpecialTokens.Values.Max() + 1, eos);
    }

    /// <summary>One library tokenizer (about 0.15 s: the ranks are inflated and parsed each time), with a regex of its own.</summary>
    static Tokenizer Build()
    {
        // Loading the package by name keeps the reference explicit: it has no public types to name.
        var assembly = Assembly.Load(DataAssembly);
        using var compressed = assembly.GetManifestResourceStream(RanksResource)
            ?? throw new InvalidOperationException($"{DataAssembly} has no resource {RanksResource}.");
        using var ranks = new DeflateStream(compressed, CompressionMode.Decompress);
        var preTokenizer = new RegexPreTokenizer(new Regex(Pattern, RegexOptions.Compiled), specialTokens: null);
        return TiktokenTokenizer.Create(ranks, preTokenizer, normalizer: null, SpecialTokens);
    }
}
