using Retention.Spec;

namespace Retention.Tests.Spec;

/// <summary>A data path that matches nothing says how to make the data, with the folder absolute: `data` commands write
/// --out relative to the current directory, a pipeline reads relative to its own folder.</summary>
public sealed class MissingDataHintTests() : InTempFolder("missing-data-")
{
    /// <summary>A pipeline at DIR/project/pipelines/p.yaml reading <paramref name="source"/>, validated as `validate` does.</summary>
    string Error(string source, string tokenizer = "{kind: gpt2}")
    {
        var pipelines = Directory.CreateDirectory(Path.Combine(dir, "project", "pipelines")).FullName;
        var file = Path.Combine(pipelines, "p.yaml");
        File.WriteAllText(file, string.Join('\n',
            "name: p", "experiment: data", "data:", $"  sources: [{source}]", $"  tokenizer: {tokenizer}", "train: {steps: 2}") + "\n");
        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file, checkPaths: true)).Errors);
        Assert.Equal("data.sources[0].paths[0]", error.Path);
        return error.Message;
    }

    string Project(params string[] parts) => Path.Combine([dir, "project", .. parts]);

    /// <summary>Dolma's list named by its URL: validate said ok (URLs were not looked at) and the run read the list as one
    /// shard, failing on its first line. Said at the key, without the local-path hints; a malformed URL is left to the run.</summary>
    [Fact]
    public void A_url_list_on_a_server_is_refused_at_its_key_saying_to_download_it()
    {
        var message = Error("{paths: ['https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt']}");
        Assert.Equal("'https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt' is a list of shards on a server: a .txt " +
            "or .urls list is read from a local file, whose shards are then streamed; download it (curl -L " +
            "'https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt' -o v1_7.txt) and name the downloaded file instead", message);
        Assert.Null(Retention.Data.ShardList.RemoteListProblem("http://"));
    }

    [Fact]
    public void The_shipped_brown_path_gives_the_data_brown_command_for_its_absolute_folder()
    {
        var message = Error("{paths: ['../data/brown/*.json.gz']}");
        Assert.StartsWith($"'../data/brown/*.json.gz' matches no shard file (relative to {Project("pipelines")}) " +
            "(relative paths resolve against the pipeline file's folder; --data-dir DIR points elsewhere)", message);
        Assert.EndsWith($"; `pipeline data brown --out {Project("data", "brown")}` writes the Brown corpus there", message);
    }

    /// <summary>The shipped pipelines' comments say `pipeline data brown`; run from a folder of the user's own it writes
    /// data/brown there, and the error then gave the same command again as if nothing had been written.</summary>
    [Fact]
    public void Brown_written_in_the_current_folder_is_said_to_be_where_the_file_does_not_read()
    {
        Error("{paths: ['../data/brown/*.json.gz']}");   // writes the pipeline
        var work = Directory.CreateDirectory(Path.Combine(dir, "work", "data", "brown")).Parent!.Parent!.FullName;
        File.WriteAllText(Path.Combine(work, "data", "brown", "brown-0000.json.gz"), "");
        var check = Retention.Tests.Host.CliProcess.Run(work, TimeSpan.FromMinutes(2), "validate", Project("pipelines", "p.yaml"));
        Assert.Equal(2, check.Exit);
        Assert.Contains($"; `pipeline data brown --out {Project("data", "brown")}` writes the Brown corpus there (the one `pipeline data " +
            $"brown` wrote without --out, {Path.Combine(work, "data", "brown")}, is not where this file reads)", check.Err);
        // Run from the folder the file reads from, where the corpus is not either: nothing more to say.
        Assert.DoesNotContain("without --out", Retention.Tests.Host.CliProcess.Run(Project(), TimeSpan.FromMinutes(2), "validate", Project("pipelines", "p.yaml")).Err);
    }

    [Theory]
    [InlineData("../data/brown")]                       // a folder
    [InlineData("../data/brown/brown-00000.json.gz")]   // a shard in it
    [InlineData("../data/brown/**/*.json.gz")]
    public void Every_way_of_naming_the_brown_folder_gives_it(string path)
    {
        Assert.EndsWith($"`pipeline data brown --out {Project("data", "brown")}` writes the Brown corpus there", Error($"{{paths: ['{path}']}}"));
    }

    [Fact]
    public void An_empty_brown_folder_gets_the_command_too_and_one_holding_other_files_does_not()
    {
        var brown = Directory.CreateDirectory(Project("data", "brown")).FullName;
        Assert.EndsWith($"`pipeline data brown --out {brown}` writes the Brown corpus there", Error("{paths: ['../data/brown/*.json.gz']}"));
        // Files of another kind: the format (or the pattern) is what to check; making data is no answer.
        File.WriteAllText(Path.Combine(brown, "part-0.npy"), "");
        var other = Error("{paths: ['../data/brown']}");
        Assert.Contains("check the source's format", other);
        Assert.DoesNotContain("pipeline data", other);
        Assert.DoesNotContain("pipeline data", Error("{paths: ['../data/brown/*.json.gz']}"));
    }

    [Fact]
    public void Other_dolma_folders_get_data_sample_and_token_files_get_data_tokenize_with_the_pipelines_tokenizer()
    {
        var sample = Error("{paths: ['../corpus/*.jsonl']}");
        Assert.EndsWith($"; `pipeline data sample SOURCES... --docs N --out {Project("corpus")}` writes a local sample of a corpus there " +
            $"(`pipeline data brown --out {Project("corpus")}`: the Brown corpus)", sample);

        // The shipped byte-level BPE files, which load (a file that does not would be an error of its own).
        Directory.CreateDirectory(Project("pipelines", "tok"));
        var shipped = Path.Combine(Retention.Tests.Pipeline.RepoFiles.PipelinesDirectory, "tokenizers");
        File.Copy(Path.Combine(shipped, "bytes-vocab.json"), Project("pipelines", "tok", "vocab.json"));
        File.Copy(Path.Combine(shipped, "bytes-merges.txt"), Project("pipelines", "tok", "merges.txt"));
        var tokens = Error("{paths: ['../tokens/*.npy'], format: pretokenized, token_dtype: uint32}",
            "{kind: bpe, path: tok/vocab.json, merges_path: tok/merges.txt}");
        Assert.Contains($"; `pipeline data tokenize SHARDS... --out {Project("tokens")} --tokenizer bpe " +
            $"--tokenizer-path {Project("pipelines", "tok", "vocab.json")} --merges-path {Project("pipelines", "tok", "merges.txt")} " +
            "--dtype uint32` writes token files there from Dolma shards", tokens);
    }

    [Theory]
    [InlineData("../data/a.jsonl", "pretokenized")]   // a Dolma shard named to a pre-tokenized source
    [InlineData("../data/t.npy", "dolma")]            // a token file named to a text source
    public void A_file_that_is_there_in_the_other_format_gets_the_format_to_check_not_a_command_writing_over_it(string path, string format)
    {
        Directory.CreateDirectory(Project("data"));
        File.WriteAllText(Project("data", "a.jsonl"), "{\"text\": \"x\"}\n");
        File.WriteAllBytes(Project("data", "t.npy"), [1, 0, 2, 0]);

        var message = Error($"{{paths: ['{path}'], format: {format}}}");

        // It named the file itself as --out: `data tokenize SHARDS... --out /abs/data/a.jsonl`.
        Assert.DoesNotContain("pipeline data", message);
        Assert.Contains("check the source's format", message);
    }

    [Fact]
    public void The_gpu_profiles_dolma_list_gets_its_download_and_other_lists_nothing()
    {
        Assert.EndsWith("; `curl -L https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt --create-dirs " +
            $"-o {Project("data", "dolma", "v1_7.txt")}` downloads Dolma v1.7's list of shard URLs there", Error("{paths: [../data/dolma/v1_7.txt]}"));
        Assert.EndsWith("--data-dir DIR points elsewhere)", Error("{paths: [../data/mine.txt]}"));
    }

    [Fact]
    public void A_folder_with_a_space_is_quoted_as_a_shell_reads_it()
    {
        Assert.EndsWith($"`pipeline data brown --out '{Project("my data", "brown")}'` writes the Brown corpus there",
            Error("{paths: ['../my data/brown/*.json.gz']}"));
    }
}
