using Microsoft.ML.Tokenizers;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class TokenizerTests
{
    private static TextTokenizer Cl100k => DataFixtures.Tokenizer;

    [Fact]
    public void Cl100kEncodesKnownStringsToKnownIds()
    {
        // Reference values from OpenAI's tiktoken (cl100k_base), independent of this library.
        Assert.Equal([15339, 1917], Cl100k.Encode("hello world"));
        Assert.Equal([9906, 4435], Cl100k.Encode("Hello World"));
        Assert.Equal(100257, Cl100k.EosId);
        Assert.Equal(100277, Cl100k.VocabSize);
        Assert.Equal("<|endoftext|>", Cl100k.Decode([100257]));
        Assert.Empty(Cl100k.Encode(""));
    }

    [Fact]
    public void SpecialTokenTextInsideADocumentIsOrdinaryText()
    {
        // tiktoken's encode_ordinary("<|endoftext|>") for cl100k_base.
        Assert.Equal([27, 91, 8862, 728, 428, 91, 29], Cl100k.Encode("<|endoftext|>"));
        Assert.DoesNotContain(Cl100k.EosId, Cl100k.Encode("a <|endoftext|> b <|fim_prefix|>"));
    }

    [Fact]
    public void MatchesTheLibrarysOwnCl100kAndRoundTrips()
    {
        var library = TiktokenTokenizer.CreateForEncoding("cl100k_base");
        foreach (var doc in DataFixtures.Documents(200, seed: 5))
        {
            var ids = Cl100k.Encode(doc.Text);
            Assert.Equal(library.EncodeToIds(doc.Text), ids);
            Assert.Equal(doc.Text, Cl100k.Decode(ids));
            Assert.All(ids, id => Assert.InRange(id, 0, Cl100k.VocabSize - 1));
        }
    }

    // A byte-level BPE small enough to check by hand: "hello" merges to one token, " w" to another
    // ("Ġ" is the byte-level stand-in for a space, as in GPT-2 and GPT-NeoX vocabularies).
    private static readonly Dictionary<string, int> ToyVocab = new()
    {
        ["<|endoftext|>"] = 0, ["h"] = 1, ["e"] = 2, ["l"] = 3, ["o"] = 4, ["Ġ"] = 5, ["w"] = 6, ["r"] = 7, ["d"] = 8,
        ["he"] = 9, ["ll"] = 10, ["hell"] = 11, ["hello"] = 12, ["Ġw"] = 13, ["<"] = 14, ["|"] = 15, [">"] = 16,
    };
    private static readonly string[] ToyMerges = ["h e", "l l", "he ll", "hell o", "Ġ w"];

    [Fact]
    public void HuggingFaceTokenizerJsonBpe()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("tokenizer.json");
        var json = System.Text.Json.JsonSerializer.Serialize(new
        {
            version = "1.0",
            added_tokens = new[] { new { id = 0, content = "<|endoftext|>", special = true } },
            pre_tokenizer = new { type = "ByteLevel", add_prefix_space = false, use_regex = true },
            model = new { type = "BPE", vocab = ToyVocab, merges = ToyMerges },
        });
        File.WriteAllText(path, json);
        var tok = TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.HuggingFace, Path = path });
        Assert.Equal([12, 13, 4, 7, 3, 8], tok.Encode("hello world"));
        Assert.Equal("hello world", tok.Decode(tok.Encode("hello world")));
        Assert.Equal(0, tok.EosId);
        Assert.Equal(17, tok.VocabSize);

        // The newer merges format (pairs as arrays) reads the same.
        File.WriteAllText(path, json.Replace("\"h e\"", "[\"h\",\"e\"]"));
        Assert.Equal([12, 13, 4, 7, 3, 8], TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.HuggingFace, Path = path }).Encode("hello world"));

        // A SentencePiece-style file is refused rather than encoded wrongly.
        File.WriteAllText(path, json.Replace("\"ByteLevel\"", "\"Metaspace\""));
        Assert.Throws<DataException>(() => TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.HuggingFace, Path = path }));
    }

    [Fact]
    public void VocabAndMergesFiles()
    {
        using var dir = new ArtifactTempDir();
        File.WriteAllText(dir.File("vocab.json"), System.Text.Json.JsonSerializer.Serialize(ToyVocab));
        File.WriteAllLines(dir.File("merges.txt"), ["#version: 0.2", .. ToyMerges]);
        var tok = TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.Bpe, Path = dir.File("vocab.json"), MergesPath = dir.File("merges.txt") });
        Assert.Equal([12, 13, 4, 7, 3, 8], tok.Encode("hello world"));
        Assert.DoesNotContain(0, tok.Encode("<|endoftext|>"));
    }

    [Fact]
    public void BadSpecsFailEarly()
    {
        Assert.Throws<ArgumentException>(() => TextTokenizer.Create(new TokenizerSpec { Kind = "gpt5" }));
        Assert.Throws<ArgumentException>(() => TextTokenizer.Create(new TokenizerSpec { Kind = TextTokenizer.HuggingFace }));
        Assert.Throws<ArgumentException>(() => Cl100kTokenizer.Create("<|eos|>"));
    }
}
