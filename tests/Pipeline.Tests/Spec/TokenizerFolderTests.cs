using Retention.Spec;

namespace Retention.Tests.Spec;

/// <summary>A tokenizer path in the pipeline that names a folder (the model's, where the file lies) is said to be one, with
/// the file the kind reads, as the data commands say it: "no such file" sent the user looking for a missing one.</summary>
public sealed class TokenizerFolderTests() : InTempFolder("tokenizer-folder-")
{
    /// <summary>The one error of validating data.tokenizer <paramref name="tokenizer"/> as `validate` does, the folder tok/ there.</summary>
    SpecError Error(string tokenizer)
    {
        Directory.CreateDirectory(Path.Combine(dir, "tok"));
        File.WriteAllText(Path.Combine(dir, "vocab.json"), "{}");
        File.WriteAllText(Path.Combine(dir, "merges.txt"), "#version: 0.2\n");
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n',
            "name: p", "experiment: data", "data:", "  sources: [{paths: ['http://example.org/s.json.gz']}]", $"  tokenizer: {tokenizer}") + "\n");
        return Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors);
    }

    [Theory]
    [InlineData("{kind: huggingface, path: tok}", "path", "tokenizer.json", 40)]
    [InlineData("{kind: bpe, path: tok, merges_path: merges.txt}", "path", "vocab.json", 32)]
    [InlineData("{kind: bpe, path: vocab.json, merges_path: tok}", "merges_path", "merges.txt", 57)]
    public void A_folder_is_said_to_be_one_with_the_file_expected_in_it(string tokenizer, string key, string expected, int column)
    {
        var error = Error(tokenizer);

        Assert.Equal(($"data.tokenizer.{key}", 5, column), (error.Path, error.Line, error.Column));
        Assert.StartsWith($"'{Path.Combine(dir, "tok")}' is a folder: name the {expected} in it", error.Message);
        Assert.DoesNotContain("no such file", error.Message);
    }
}
