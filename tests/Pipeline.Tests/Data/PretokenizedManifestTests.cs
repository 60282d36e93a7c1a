using System.Text.Json;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Data;

/// <summary>
/// What `data tokenize` records beside its token files, compared with the tokenizer a pipeline reads them with: the
/// same kind is not enough when the kind reads files (two `bpe` vocabularies share nothing but the kind), and a
/// manifest written before a field was recorded is compared on the fields it has.
/// </summary>
public class PretokenizedManifestTests() : InTempFolder("manifest-")
{
    static string Tokenizers => Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");

    static readonly TokenizerSpec BytesSpec = new()
    {
        Kind = "bpe", Path = Path.Combine(Tokenizers, "bytes-vocab.json"), MergesPath = Path.Combine(Tokenizers, "bytes-merges.txt"),
    };

    static readonly DataSourceSpec Source = new() { Paths = ["tokens/*.npy"], Format = "pretokenized", TokenDtype = "uint16" };

    static PretokenizedManifest WrittenWithBytes() => PretokenizedManifest.Of(BytesSpec, TextTokenizer.Create(BytesSpec), "uint16");

    static List<(string Key, string Message)> Compare(PretokenizedManifest manifest, TokenizerSpec pipeline) =>
        [.. manifest.Disagreements(Source, pipeline, TokenizerIdentity.Of(pipeline, TextTokenizer.Create(pipeline)), "tokens")];

    /// <summary>GPT-2's vocabulary read as a `bpe` pair, as a user names it in a pipeline.</summary>
    static TokenizerSpec Gpt2AsBpe()
    {
        var (vocab, merges) = Gpt2Vocabulary.Files();
        return new TokenizerSpec { Kind = "bpe", Path = vocab, MergesPath = merges };
    }

    /// <summary>The bytes vocabulary written otherwise (indented JSON): the same tokens and ids, other file contents.</summary>
    TokenizerSpec BytesRewritten()
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(BytesSpec.Path!))!;
        var path = Path.Combine(dir, "vocab.json");
        File.WriteAllText(path, JsonSerializer.Serialize(vocab, new JsonSerializerOptions { WriteIndented = true }));
        return BytesSpec with { Path = path };
    }

    [Fact]
    public void The_tokenizer_that_wrote_the_files_agrees_and_the_manifest_says_which_it_was()
    {
        var manifest = WrittenWithBytes();
        Assert.Empty(Compare(manifest, BytesSpec));
        Assert.Equal((257, 256, "<|endoftext|>", BytesSpec.MergesPath), (manifest.VocabSize, manifest.EosTokenId, manifest.EosToken, manifest.MergesPath));
        // SHA-256 over both files, each preceded by its length (8 bytes, little-endian), computed here by hand.
        var framed = new[] { BytesSpec.Path!, BytesSpec.MergesPath! }.SelectMany(f => File.ReadAllBytes(f) is var b ? BitConverter.GetBytes((long)b.Length).Concat(b) : []);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. framed])), manifest.TokenizerSha256);
    }

    [Fact]
    public void A_bpe_tokenizer_of_other_files_is_refused_naming_both_tokenizers_and_the_keys_to_set()
    {
        var (key, message) = Assert.Single(Compare(WrittenWithBytes(), Gpt2AsBpe()));
        Assert.Equal("tokenizer.path", key);
        Assert.Contains("vocabulary 257, EOS 256", message);                    // what wrote them
        Assert.Contains("vocabulary 50,257, EOS 50256", message);               // what would read them
        Assert.Contains("its packer would look for EOS 50256, which the files never contain", message);
        Assert.Contains("set data.tokenizer.path and data.tokenizer.merges_path to the files that wrote them", message);
        Assert.Contains($"path: '{BytesSpec.Path}'", message);
        Assert.DoesNotContain("tokenizer_sha256", message);                     // no hint to drop the hash: the vocabularies differ
    }

    [Fact]
    public void The_same_vocabulary_in_other_files_is_refused_by_its_hash_with_how_to_accept_it()
    {
        var (key, message) = Assert.Single(Compare(WrittenWithBytes(), BytesRewritten()));
        Assert.Equal("tokenizer.path", key);
        Assert.Contains("remove tokenizer_sha256 from its pretokenized.json", message);
    }

    /// <summary>The files that wrote the tokens, edited in place since: the error said to set data.tokenizer.path to the path
    /// it already had. It says that the files there changed, and the two ways on.</summary>
    [Fact]
    public void Tokenizer_files_changed_in_place_are_said_to_have_changed_not_to_be_set_to_their_own_path()
    {
        var vocab = Path.Combine(dir, "vocab.json");
        var merges = Path.Combine(dir, "merges.txt");
        File.Copy(BytesSpec.Path!, vocab);
        File.Copy(BytesSpec.MergesPath!, merges);
        var spec = BytesSpec with { Path = vocab, MergesPath = merges };
        var manifest = PretokenizedManifest.Of(spec, TextTokenizer.Create(spec), "uint16");
        var rewritten = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllText(vocab))!;
        File.WriteAllText(vocab, JsonSerializer.Serialize(rewritten, new JsonSerializerOptions { WriteIndented = true }));

        // Named as a pipeline in that folder names them, relative to it.
        var relative = BytesSpec with { Path = "vocab.json", MergesPath = "merges.txt" };
        var (key, message) = Assert.Single(manifest.Disagreements(Source, relative, TokenizerIdentity.Of(spec, TextTokenizer.Create(spec)), "tokens", dir));
        Assert.Equal("tokenizer.path", key);
        Assert.Contains("the tokenizer's files at the same place have changed since: put back the version that wrote them, or write the " +
            "token files again with these (`pipeline data tokenize SHARDS... --out tokens` with the options above)", message);
        Assert.DoesNotContain("to the files that wrote them", message);
        Assert.Contains("remove tokenizer_sha256 from its pretokenized.json", message);   // the same vocabulary, written otherwise

        // Other files elsewhere are still told where the ones that wrote them are.
        Assert.Contains($"to the files that wrote them (path: '{BytesSpec.Path}'", Assert.Single(Compare(WrittenWithBytes(), spec)).Message);
    }

    /// <summary>The same files, another EOS token: the error said the files had changed (or to set the path it had); only
    /// data.tokenizer.eos_token differs, and it is said there.</summary>
    [Fact]
    public void The_same_tokenizer_files_with_another_eos_token_are_told_to_set_eos_token_not_that_the_files_changed()
    {
        var otherEos = BytesSpec with { EosToken = "a" };
        var (key, message) = Assert.Single(Compare(WrittenWithBytes(), otherEos));
        Assert.Equal("tokenizer.eos_token", key);
        Assert.Contains("set data.tokenizer.eos_token: '<|endoftext|>'", message);
        Assert.DoesNotContain("have changed since", message);
        Assert.DoesNotContain("to the files that wrote them", message);
    }

    [Fact]
    public void A_manifest_written_before_the_hash_was_recorded_is_compared_on_what_it_records()
    {
        // pretokenized.json exactly as the previous version wrote it.
        Directory.CreateDirectory(Path.Combine(dir, "tokens"));
        File.WriteAllText(Path.Combine(dir, "tokens", PretokenizedManifest.FileName), $$"""
            {
              "tokenizer": "bpe",
              "tokenizer_path": {{JsonSerializer.Serialize(BytesSpec.Path)}},
              "eos_token_id": 256,
              "vocab_size": 257,
              "dtype": "uint16"
            }
            """);
        var old = PretokenizedManifest.Read(Path.Combine(dir, "tokens"))!;
        Assert.Null(old.TokenizerSha256);
        Assert.Empty(Compare(old, BytesSpec));
        Assert.Empty(Compare(old, BytesRewritten()));                            // no hash recorded: not compared
        Assert.Equal("tokenizer.path", Assert.Single(Compare(old, Gpt2AsBpe())).Key);   // the vocabulary still is
    }

    [Fact]
    public void A_built_in_vocabulary_with_another_eos_token_is_refused_at_eos_token()
    {
        var gpt2 = new TokenizerSpec { Kind = "gpt2" };
        var manifest = PretokenizedManifest.Of(gpt2, TextTokenizer.Create(gpt2), "uint16");
        Assert.Null(manifest.TokenizerSha256);                                  // the kind pins the vocabulary
        Assert.Empty(Compare(manifest, gpt2));
        var (key, message) = Assert.Single(Compare(manifest, gpt2 with { EosToken = "!" }));   // "!" is GPT-2's id 0
        Assert.Equal("tokenizer.eos_token", key);
        Assert.Contains("EOS 50256", message);
        Assert.Contains("EOS 0", message);
        Assert.Contains("set data.tokenizer.eos_token: '<|endoftext|>'", message);
    }

    [Fact]
    public void Another_kind_without_an_eos_token_id_is_one_error_not_two()
    {
        // The bytes vocabulary's files read with GPT-2's: "set data.tokenizer: {kind: bpe, ...}" was said twice, the
        // second time "whatever eos_token_id says" of a source that sets none.
        var gpt2 = new TokenizerSpec { Kind = "gpt2" };
        var (key, message) = Assert.Single(WrittenWithBytes().Disagreements(Source, gpt2, TokenizerIdentity.Of(gpt2, TextTokenizer.Create(gpt2)), "tokens"));
        Assert.Equal("tokenizer.kind", key);
        Assert.Contains("set data.tokenizer: {kind: bpe, path: '", message);
        Assert.DoesNotContain("whatever eos_token_id says", message);
    }

    [Fact]
    public void An_equal_eos_token_id_does_not_vouch_for_another_kind_of_another_vocabulary_size()
    {
        var gpt2 = new TokenizerSpec { Kind = "gpt2" };
        var withEos = Source with { EosTokenId = 256 };
        // The bytes vocabulary's files (257 ids, EOS 256) read with GPT-2's 50,257 ids: the EOS agrees, the tokens do not.
        var (key, message) = Assert.Single(WrittenWithBytes().Disagreements(withEos, gpt2, TokenizerIdentity.Of(gpt2, TextTokenizer.Create(gpt2)), "tokens"));
        Assert.Equal("tokenizer.kind", key);
        Assert.Contains("(vocabulary 257), but data.tokenizer (gpt2) has a vocabulary of 50,257", message);
        Assert.Contains("set data.tokenizer: {kind: bpe, path: '", message);   // with the files that wrote them
        // GPT-2's files written by gpt2 and read as a bpe pair of the same files: the size agrees, and eos_token_id vouches.
        var written = PretokenizedManifest.Of(gpt2, TextTokenizer.Create(gpt2), "uint16");
        var asBpe = Gpt2AsBpe();
        Assert.Empty(written.Disagreements(Source with { EosTokenId = 50_256 }, asBpe, TokenizerIdentity.Of(asBpe, TextTokenizer.Create(asBpe)), "tokens"));
    }
}
