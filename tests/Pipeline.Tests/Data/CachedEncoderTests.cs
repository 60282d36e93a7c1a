using Microsoft.ML.Tokenizers;
using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>The word cache in front of the library tokenizer gives the library's own ids, whether a piece is met for the first
/// time, found in either cache generation, or too long to cache; and its memory stays bounded.</summary>
public class CachedEncoderTests
{
    /// <summary>Texts where a split could go wrong: special-token text, whitespace runs before words and at the end, digits
    /// (split in threes), contractions, CRLF, non-Latin scripts, emoji (surrogate pairs), combining marks, and pieces longer
    /// than the cache keeps.</summary>
    static readonly string[] Tricky =
    [
        "hello world", "Hello  World   again    and\tagain\n\n\nend   ", "<|endoftext|> inside <|fim_prefix|>text",
        "1234567 89 0.5e-10 $1,000,000", "I'm you're they'll we'd he's it's I've 'quoted' O'Neil",
        "line one\r\nline two\r\n\r\n", "Привет мир, 你好世界, مرحبا بالعالم", "emoji 😀😀 👍🏽 family 👨‍👩‍👧",
        "cafe\u0301 na\u00efve", new string('a', 40) + " " + new string('x', 33) + new string(' ', 50) + "tail",
        "supercalifragilisticexpialidocious antidisestablishmentarianism", "  leading", "trailing  ", " ", "\n",
    ];

    static IEnumerable<string> Texts() => Tricky.Concat(DataFixtures.Documents(60, seed: 3).Select(d => d.Text));

    static void MatchesTheLibrary(Tokenizer library, int generationSize)
    {
        var encoder = new CachedEncoder(library, generationSize: generationSize);
        Assert.True(encoder.Caches);
        for (int pass = 0; pass < 2; pass++)   // the second pass meets every piece again, from the cache where it stayed
            foreach (var text in Texts())
            {
                Assert.Equal(library.EncodeToIds(text), encoder.Encode(text));
                Assert.InRange(encoder.Cached, 0, 2 * generationSize);
            }
    }

    [Theory]
    [InlineData(CachedEncoder.DefaultGenerationSize)]
    [InlineData(3)]   // generations turn every few pieces: pieces come from the older one, or are encoded again
    public void Cl100kGivesTheLibrarysIds(int generationSize) =>
        MatchesTheLibrary(DataFixtures.Tokenizer.Rent().Encoder.Library, generationSize);

    [Theory]
    [InlineData(CachedEncoder.DefaultGenerationSize)]
    [InlineData(3)]
    public void Gpt2GivesTheLibrarysIds(int generationSize)
    {
        var gpt2 = TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.Gpt2 });
        MatchesTheLibrary(gpt2.Rent().Encoder.Library, generationSize);
    }

    [Fact]
    public void KnownGpt2IdsThroughTheCache()
    {
        // GPT-2's ids from its encoder.json (the same as Hugging Face's GPT2TokenizerFast gives): "Hello" 15496, " world" 995.
        var gpt2 = TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.Gpt2 });
        Assert.Equal([15496, 995], gpt2.Encode("Hello world"));
        Assert.Equal([15496, 995], gpt2.Encode("Hello world"));   // now from the cache
    }

    [Fact]
    public void PiecesLongerThanTheLimitAreNotKept()
    {
        var encoder = new CachedEncoder(DataFixtures.Tokenizer.Rent().Encoder.Library);
        encoder.Encode(new string('q', CachedEncoder.MaxCachedPieceLength + 1));
        Assert.Equal(0, encoder.Cached);
        encoder.Encode(new string('q', CachedEncoder.MaxCachedPieceLength));
        Assert.Equal(1, encoder.Cached);
        encoder.Encode("one two one two");   // "one", " two", " one": three distinct pieces
        Assert.Equal(4, encoder.Cached);
    }

    /// <summary>A document of over a million tokens: its buffer is let go after it (so one huge document does not hold it for
    /// the run), and its ids, and the next document's, are still the library's.</summary>
    [Fact]
    public void AHugeDocumentThenASmallOne()
    {
        var library = DataFixtures.Tokenizer.Rent().Encoder.Library;
        var encoder = new CachedEncoder(library);
        var huge = string.Concat(Enumerable.Repeat("one two three ", 400_000));   // 1.2 M tokens
        Assert.Equal(library.EncodeToIds(huge), encoder.Encode(huge));
        Assert.Equal(library.EncodeToIds("after it"), encoder.Encode("after it"));
    }

    [Fact]
    public void GenerationsBoundTheCache()
    {
        var encoder = new CachedEncoder(DataFixtures.Tokenizer.Rent().Encoder.Library, generationSize: 4);
        var words = string.Join(" ", Enumerable.Range(0, 100).Select(i => $"w{i}x"));   // 100 distinct pieces
        encoder.Encode(words);
        Assert.InRange(encoder.Cached, 4, 8);
    }

    [Fact]
    public void ALibraryWithANormalizerEncodesWholeTexts()
    {
        // A normalizer changes the text before it is split: pieces of the raw text would not be what the library encodes.
        var library = BpeTokenizer.Create(new BpeOptions(new Dictionary<string, int> { ["a"] = 0, ["b"] = 1, ["ab"] = 2 })
        {
            Merges = ["a b"],
            Normalizer = new LowerCaseNormalizer(),
            PreTokenizer = PreTokenizer.CreateWordOrNonWord(),
        });
        var encoder = new CachedEncoder(library);
        Assert.False(encoder.Caches);
        Assert.Equal([2, 2], encoder.Encode("AB ab"));
        Assert.Equal(library.EncodeToIds("AB ab"), encoder.Encode("AB ab"));
        Assert.Equal(0, encoder.Cached);
    }
}
