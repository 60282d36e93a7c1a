namespace Retention.Tests.Host;

/// <summary>An option value outside its fixed set is said as --device's is, with the value likely meant and the allowed ones
/// (README "The CLI", exit codes: a misspelt value named with the one meant); these said "use one of ..." without it, and
/// `bench synthetic --mode` in System.CommandLine's multi-line list.</summary>
public sealed class OptionValueSuggestionTests() : InTempFolder("option-value-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("data tokenize a.json.gz --out tok --tokenizer gtp2", "--tokenizer gtp2: unknown tokenizer 'gtp2' (did you mean 'gpt2'?); allowed: cl100k_base, gpt2, huggingface, bpe")]
    [InlineData("data tokenize a.json.gz --out tok --dtype uint23", "--dtype uint23: unknown dtype 'uint23' (did you mean 'uint32'?); allowed: uint16, uint32")]
    [InlineData("advise p.yaml --size 1000 --frequency 0.01 --kind comparisn", "--kind comparisn: unknown task kind 'comparisn' (did you mean 'comparison'?); allowed: comparison, modular_addition")]
    public void A_misspelt_option_value_is_said_with_the_one_meant(string command, string expected)
    {
        File.WriteAllText(Path.Combine(dir, "p.yaml"), "name: p\nsynthetic: {tasks: 4, dims_per_task: 2, width: 2, rare: {}}\n");
        var before = Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order().ToList();

        var (exit, output, err) = CliProcess.Run(dir, Limit, command.Split(' '));

        Assert.True(exit == 2, output + err);
        Assert.Equal($"error: {expected}", err.Trim());
        Assert.Equal(before, Directory.GetFileSystemEntries(dir, "*", SearchOption.AllDirectories).Order());   // nothing written
    }
}
