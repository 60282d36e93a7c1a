using Retention.Tests.Data;

namespace Retention.Tests.Host;

/// <summary>A pretokenized source's .npy files are judged together, as the run reads them with its one token_dtype: a source
/// of two paths entries whose files are all of the other dtype was told so once per entry, and one mixing uint16 and uint32
/// files was told one dtype, then, after setting it, the other.</summary>
public sealed class TokenFileDtypeCliTests() : InTempFolder("token-dtype-cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Fact]
    public void A_sources_files_are_told_their_dtype_once_and_a_mix_of_dtypes_is_told_as_one()
    {
        var a = Directory.CreateDirectory(Path.Combine(dir, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(dir, "b")).FullName;
        File.WriteAllBytes(Path.Combine(a, "x.npy"), NpyBytes.Of("<u4", 2, new byte[8]));
        File.WriteAllBytes(Path.Combine(b, "y.npy"), NpyBytes.Of("<u4", 2, new byte[8]));
        File.WriteAllText(Path.Combine(dir, "p.yaml"), string.Join('\n',
            "name: p", "experiment: data", "data:", "  sources:",
            "    - paths: [a, b]",                                                        // line 5
            "      format: pretokenized",
            "      token_dtype: uint16",                                                  // line 7
            "  tokenizer: {kind: gpt2}", "train: {steps: 2}") + "\n");

        var (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        Assert.Equal([$"error: p.yaml:7:20: data.sources[0].token_dtype: {Path.Combine(a, "x.npy")}: the .npy header's dtype is '<u4' (uint32), " +
            "the source is configured as uint16: set the source's token_dtype: uint32"], Errors(err));   // was also said of b/y.npy

        File.WriteAllBytes(Path.Combine(b, "y.npy"), NpyBytes.Of("<u2", 2, new byte[4]));
        (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        // Was only "x.npy ... set the source's token_dtype: uint32", and with that set, y.npy's uint16.
        Assert.Equal([$"error: p.yaml:7:20: data.sources[0].token_dtype: the source's .npy files are of two dtypes: {Path.Combine(b, "y.npy")} is '<u2' (uint16), " +
            $"{Path.Combine(a, "x.npy")} is '<u4' (uint32); a source reads all its files with one token_dtype: split them into two sources, " +
            "one with token_dtype: uint16 and one with uint32, or convert one set to the other's dtype"], Errors(err));

        // A header cut off beside one of the other dtype: both said (the cut one was left unread behind the dtype's error).
        File.WriteAllBytes(Path.Combine(a, "z.npy"), NpyBytes.Of("<u4", 2, new byte[8])[..40]);
        (exit, _, err) = CliProcess.Run(dir, Limit, "validate", "p.yaml");

        Assert.Equal(2, exit);
        var errors = Errors(err);
        Assert.Equal(2, errors.Length);
        Assert.Contains(errors, e => e.StartsWith("error: p.yaml:7:20: data.sources[0].token_dtype: the source's .npy files are of two dtypes:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("error: p.yaml:5:", StringComparison.Ordinal)
            && e.Contains($"data.sources[0].paths[0]: {Path.Combine(a, "z.npy")}: the .npy header is cut off (30 of its 118 bytes)", StringComparison.Ordinal));
    }

    static string[] Errors(string err) => err.Split('\n', StringSplitOptions.TrimEntries).Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToArray();
}
