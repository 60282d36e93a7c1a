using Retention.Data;
using Retention.Tests.Data;

namespace Retention.Tests.Host;

/// <summary>A pretokenized folder's pretokenized.json is judged once, after all its source's paths entries, so a manifest and
/// .npy headers that both disagree with token_dtype are one error naming both: they were two, worded apart, at the one key.</summary>
public sealed class TokenManifestOnceCliTests() : InTempFolder("token-manifest-once-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_manifest_and_npy_headers_that_both_disagree_with_token_dtype_are_one_error_naming_both()
    {
        var tokens = Directory.CreateDirectory(Path.Combine(dir, "tokens")).FullName;
        File.WriteAllBytes(Path.Combine(tokens, "part-00000.npy"), NpyBytes.Of("<u4", 2, new byte[8]));
        var gpt2 = new TokenizerSpec { Kind = "gpt2" };
        PretokenizedManifest.Of(gpt2, TextTokenizer.Create(gpt2), "uint32").Write(tokens);
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: data", "data:", "  sources:",
            "    - paths: [tokens/part-00000.npy, tokens]",                              // two entries into one folder
            "      format: pretokenized",
            "      token_dtype: uint16",                                                  // line 7
            "  tokenizer: {kind: gpt2}", "train: {steps: 2}") + "\n");

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        // Was two: "the token files in ... as uint32: set token_dtype: uint32" and "...part-00000.npy: the .npy header's dtype is '<u4'".
        Assert.Equal([$"error: p.yaml:7:20: data.sources[0].token_dtype: the token files in {tokens} were written by " +
            $"`pipeline data tokenize --tokenizer gpt2` as uint32 (its {PretokenizedManifest.FileName}), and " +
            $"{Path.Combine(tokens, "part-00000.npy")}'s .npy header says '<u4' (uint32); the source is configured as uint16: " +
            "set token_dtype: uint32"], Errors(err));

        // The headers alone disagreeing (the manifest says uint16) are still said as before.
        PretokenizedManifest.Of(gpt2, TextTokenizer.Create(gpt2), "uint16").Write(tokens);
        (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        Assert.Equal([$"error: p.yaml:7:20: data.sources[0].token_dtype: {Path.Combine(tokens, "part-00000.npy")}: the .npy header's dtype is " +
            "'<u4' (uint32), the source is configured as uint16: set the source's token_dtype: uint32"], Errors(err));
    }

    static string[] Errors(string err) => err.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
}
