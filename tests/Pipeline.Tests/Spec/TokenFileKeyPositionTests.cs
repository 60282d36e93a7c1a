using Retention.Data;
using Retention.Spec;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Spec;

/// <summary>Token files read with another dtype or tokenizer than wrote them are refused at the key the error says to set
/// (README: "at the key to set (file:line:col)"), not at the start of their source, lines away.</summary>
public sealed class TokenFileKeyPositionTests() : InTempFolder("token-key-")
{
    [Fact]
    public void A_dtype_and_a_tokenizer_that_disagree_with_pretokenized_json_are_said_at_their_keys()
    {
        // Written by `data tokenize --tokenizer cl100k_base --dtype uint32`; read as uint16 with the bytes vocabulary.
        var tokens = Directory.CreateDirectory(Path.Combine(dir, "tokens")).FullName;
        File.WriteAllBytes(Path.Combine(tokens, "part-00000.npy"), new byte[8]);
        var cl100k = new TokenizerSpec();
        PretokenizedManifest.Of(cl100k, TextTokenizer.Create(cl100k), "uint32").Write(tokens);
        var shipped = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers");
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n',
            "name: p",
            "experiment: data",
            "data:",
            "  sources:",
            "    - paths: [tokens]",
            "      format: pretokenized",
            "      token_dtype: uint16",                                             // line 7
            "  tokenizer:",
            "    kind: bpe",                                                         // line 9
            $"    path: '{Path.Combine(shipped, "bytes-vocab.json")}'",
            $"    merges_path: '{Path.Combine(shipped, "bytes-merges.txt")}'",
            "train: {steps: 2}") + "\n");

        var errors = Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors;

        var dtype = Assert.Single(errors, e => e.Message.Contains("set token_dtype: uint32"));
        Assert.Equal(("data.sources[0].token_dtype", 7), (dtype.Path, dtype.Line));   // was data.sources[0], line 5
        var kind = Assert.Single(errors, e => e.Message.Contains("set data.tokenizer.kind: cl100k_base"));
        Assert.Equal(("data.tokenizer.kind", 9), (kind.Path, kind.Line));
    }

    /// <summary>A .npy file of another dtype among raw ones: validate said ok and the run stopped only when the file order
    /// reached it. Said at token_dtype before the run, naming the file; a header cut off is said at the paths entry.</summary>
    [Fact]
    public void A_npy_header_of_another_dtype_is_said_by_validate_at_token_dtype()
    {
        var tokens = Directory.CreateDirectory(Path.Combine(dir, "tokens")).FullName;
        File.WriteAllBytes(Path.Combine(tokens, "a.bin"), new byte[8]);                    // raw: no header
        var npy = Retention.Tests.Data.NpyBytes.Of("<u4", 2, new byte[8]);
        File.WriteAllBytes(Path.Combine(tokens, "b.npy"), npy);
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n',
            "name: p", "experiment: data", "data:", "  sources:",
            "    - paths: [tokens]",                                                    // line 5
            "      format: pretokenized",
            "      token_dtype: uint16",                                                // line 7
            "  tokenizer: {kind: gpt2}", "train: {steps: 2}") + "\n");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors);
        Assert.Equal(("data.sources[0].token_dtype", 7), (error.Path, error.Line));
        Assert.Equal($"{Path.Combine(tokens, "b.npy")}: the .npy header's dtype is '<u4' (uint32), the source is configured as uint16: " +
            "set the source's token_dtype: uint32", error.Message);

        File.WriteAllText(file, File.ReadAllText(file).Replace("token_dtype: uint16", "token_dtype: uint32"));
        SpecLoader.Load(file, checkPaths: true);                                           // agrees: no error

        File.WriteAllBytes(Path.Combine(tokens, "b.npy"), npy[..40]);                      // its header cut off
        var cut = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors);
        Assert.Equal(("data.sources[0].paths[0]", 5), (cut.Path, cut.Line));
        Assert.Contains("b.npy: the .npy header is cut off (30 of its 118 bytes)", cut.Message);
    }
}
