using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class ShardListTests
{
    [Fact]
    public void Globs_folders_files_and_url_lists_expand_to_sorted_distinct_shards()
    {
        using var dir = new ArtifactTempDir();
        foreach (var name in (string[])["data/b.json.gz", "data/a.json.gz", "data/c.jsonl", "data/notes.md", "data/sub/d.json.zst", "e.jsonl"])
            DataFiles.Write(dir.File(name.Split('/')), ["{\"text\":\"x\"}"]);
        File.WriteAllLines(dir.File("list.txt"), ["# shards", "", "https://example.org/x/2.json.gz?sig=1", "e.jsonl", "  http://example.org/1.jsonl  "]);

        var shards = ShardList.Expand(["data/*.json.gz", "data/c.jsonl", "data/**/*.zst", "list.txt", "data/a.json.gz"], dir.Path);

        Assert.Equal([
            dir.File("data", "a.json.gz"), dir.File("data", "b.json.gz"), dir.File("data", "c.jsonl"),
            dir.File("data", "sub", "d.json.zst"), dir.File("e.jsonl"),
            "http://example.org/1.jsonl", "https://example.org/x/2.json.gz?sig=1",
        ], shards.Select(s => s.Location).OrderBy(s => s, StringComparer.Ordinal));
        Assert.Equal(shards.Select(s => s.Location).OrderBy(s => s, StringComparer.Ordinal), shards.Select(s => s.Location));
        Assert.Equal(ShardCompression.Gzip, shards.Single(s => s.IsHttp && s.Location.Contains("sig")).Compression);

        var folder = ShardList.Expand(["data"], dir.Path);
        Assert.Equal(["a.json.gz", "b.json.gz", "c.jsonl"], folder.Select(s => s.FileName)); // not notes.md, not sub/
    }

    [Fact]
    public void A_listed_link_to_a_file_that_is_gone_is_refused_naming_both()
    {
        // Shards linked from a scratch file system that was purged: the folder lists the links, and the run failed with
        // "Could not find file" only when the shard order reached one, after validate had said ok.
        using var dir = new ArtifactTempDir();
        DataFiles.Write(dir.File("data", "a.jsonl"), ["{\"text\":\"x\"}"]);
        File.CreateSymbolicLink(dir.File("data", "b.jsonl"), dir.File("scratch", "b.jsonl"));
        File.CreateSymbolicLink(dir.File("data", "notes.md"), dir.File("scratch", "notes.md"));   // not a shard: not read
        File.CreateSymbolicLink(dir.File("list.txt"), dir.File("scratch", "list.txt"));
        var list = Assert.Throws<DataException>(() => ShardList.Expand(["list.txt"], dir.Path));
        Assert.Equal($"'{dir.File("list.txt")}' is a symbolic link to '{dir.File("scratch", "list.txt")}', which does not exist: " +
            "restore the file it points to, or remove the link", list.Message);
        foreach (var entry in new[] { "data", "data/*.jsonl", "data/**", "data/b.jsonl" })
        {
            var e = Assert.Throws<DataException>(() => ShardList.Expand([entry], dir.Path));
            Assert.Equal($"'{dir.File("data", "b.jsonl")}' is a symbolic link to '{dir.File("scratch", "b.jsonl")}', which does not exist: " +
                "restore the file it points to, or remove the link", e.Message);
        }
        File.Delete(dir.File("data", "b.jsonl"));
        Assert.Equal(["a.jsonl"], ShardList.Expand(["data"], dir.Path).Select(s => s.FileName));   // the link, not notes.md, was the fault
    }

    [Fact]
    public void Files_of_the_other_format_are_named_with_the_key_that_reads_them()
    {
        using var dir = new ArtifactTempDir();
        Directory.CreateDirectory(dir.File("tokens"));
        File.WriteAllBytes(dir.File("tokens", "part-00000.npy"), [1, 0, 2, 0]);
        foreach (var entry in new[] { "tokens/*.npy", "tokens" })
        {
            var e = Assert.Throws<DataException>(() => ShardList.Expand([entry], dir.Path));   // Dolma names by default
            Assert.Contains("1 file of another kind, e.g. 'part-00000.npy'", e.Message);
            Assert.Contains("format: pretokenized", e.Message);
        }
        var empty = Assert.Throws<DataException>(() => ShardList.Expand(["none/*.json.gz"], dir.Path));
        Assert.DoesNotContain("another kind", empty.Message);                                  // nothing there: nothing to suggest
    }

    [Fact]
    public void A_file_of_the_other_format_named_alone_is_said_with_the_format_that_reads_it()
    {
        using var dir = new ArtifactTempDir();
        DataFiles.Write(dir.File("a.jsonl"), ["{\"text\":\"x\"}"]);
        File.WriteAllBytes(dir.File("t.npy"), [1, 0, 2, 0]);

        // A pre-tokenized source given a Dolma shard: it was told "expected e.g. .jsonl", of a .jsonl.
        var shard = Assert.Throws<DataException>(() => ShardList.Expand(["a.jsonl"], dir.Path, PretokenizedSource.IsTokenFileName));
        Assert.Equal($"'{dir.File("a.jsonl")}' is not a shard of this format: {ShardList.SourceFormatAdvice}", shard.Message);
        Assert.DoesNotContain("expected", shard.Message);
        // It names every kind of token file the pretokenized reader takes (it left out .memmap).
        Assert.Contains("format: pretokenized reads token files (.npy, .bin, .memmap)", shard.Message);
        Assert.All(new[] { "t.npy", "t.bin", "t.memmap" }, f => Assert.True(PretokenizedSource.IsTokenFileName(f)));

        var tokens = Assert.Throws<DataException>(() => ShardList.Expand(["t.npy"], dir.Path, formatAdvice: "data tokenize reads JSON lines"));
        Assert.Equal($"'{dir.File("t.npy")}' is not a shard of this format: data tokenize reads JSON lines", tokens.Message);
    }

    [Theory]
    [InlineData("data/*.json.zst")] // matches nothing
    [InlineData("missing.jsonl")]
    [InlineData("data/notes.md")] // not a shard
    public void An_entry_that_names_nothing_usable_is_an_error(string entry)
    {
        using var dir = new ArtifactTempDir();
        DataFiles.Write(dir.File("data", "a.jsonl"), ["{\"text\":\"x\"}"]);
        File.WriteAllText(dir.File("data", "notes.md"), "x");
        Assert.Throws<DataException>(() => ShardList.Expand([entry], dir.Path));
    }

    [Fact]
    public void A_bad_line_of_a_list_file_is_named_by_the_list_and_its_line_number()
    {
        using var dir = new ArtifactTempDir();
        DataFiles.Write(dir.File("data", "a.jsonl"), ["{\"text\":\"x\"}"]);
        File.WriteAllLines(dir.File("list.txt"), ["# shards", "data/a.jsonl", "", "data/gone.jsonl", "data/a.jsonl"]);

        var e = Assert.Throws<DataException>(() => ShardList.Expand(["list.txt"], dir.Path));

        Assert.Equal($"{dir.File("list.txt")}:4: no such shard or list file: '{dir.File("data", "gone.jsonl")}'", e.Message);
    }

    [Fact]
    public void Order_is_a_seeded_permutation_per_epoch()
    {
        var sorted = ShardList.Expand(Enumerable.Range(0, 20).Select(i => $"http://h/{i:D2}.jsonl"), "/");
        // ImmutableArray's own Equals compares references, so compare the locations.
        List<string> L(System.Collections.Immutable.ImmutableArray<Shard> shards) => [.. shards.Select(s => s.Location)];
        Assert.Equal(L(sorted), L(ShardList.Order(sorted, 5, 0, shuffle: false)));
        var e0 = ShardList.Order(sorted, 5, 0, shuffle: true);
        Assert.Equal(L(e0), L(ShardList.Order(sorted, 5, 0, shuffle: true)));
        Assert.NotEqual(L(sorted), L(e0));
        Assert.NotEqual(L(e0), L(ShardList.Order(sorted, 5, 1, shuffle: true)));
        Assert.NotEqual(L(e0), L(ShardList.Order(sorted, 6, 0, shuffle: true)));
        Assert.Equal(sorted.Select(s => s.Location), e0.Select(s => s.Location).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Glob_regex_keeps_stars_within_a_folder()
    {
        Assert.Matches(Glob.ToRegex("*.json.gz"), "a.json.gz");
        Assert.DoesNotMatch(Glob.ToRegex("*.json.gz"), "x/a.json.gz");
        Assert.Matches(Glob.ToRegex("**/*.json.gz"), "x/y/a.json.gz");
        Assert.Matches(Glob.ToRegex("**/*.json.gz"), "a.json.gz");
        Assert.Matches(Glob.ToRegex("part-[0-9]?.jsonl"), "part-17.jsonl");
        Assert.DoesNotMatch(Glob.ToRegex("part-[!0-9].jsonl"), "part-1.jsonl");
    }

    [Fact]
    public void A_txt_file_of_prose_is_said_to_be_read_as_a_list_with_where_text_goes()
    {
        using var dir = new ArtifactTempDir();
        var prose = "The Fulton County Grand Jury said Friday an investigation of recent primary election produced no evidence";
        File.WriteAllLines(dir.File("corpus.txt"), [prose, "that any irregularities took place."]);

        var e = Assert.Throws<DataException>(() => ShardList.Expand(["corpus.txt"], dir.Path));

        Assert.StartsWith($"{dir.File("corpus.txt")}:1: '{prose[..60]}…' is not a path, glob or URL: a .txt or .urls file in paths is read as a list of shards", e.Message);
        Assert.Contains("JSON lines", e.Message);
        Assert.DoesNotContain(prose, e.Message);   // not the whole paragraph as a file name
    }

    /// <summary>A comment after an entry (`url  # note`) was read as part of it, so the line was refused; only a '#' after
    /// whitespace starts one, so a URL's '#fragment' stays part of the entry.</summary>
    [Fact]
    public void A_list_line_may_end_in_a_comment_after_whitespace_and_a_url_fragment_is_kept()
    {
        using var dir = new ArtifactTempDir();
        DataFiles.Write(dir.File("e.jsonl"), ["{\"text\":\"x\"}"]);
        File.WriteAllLines(dir.File("list.urls"), [
            "# shards", "https://example.org/a.json.gz  # the first", "e.jsonl\t# a local one", "  # indented",
            "https://example.org/b.json.gz#part-2", "https://example.org/c.jsonl #"]);

        var shards = ShardList.Expand(["list.urls"], dir.Path);

        Assert.Equal([dir.File("e.jsonl"), "https://example.org/a.json.gz", "https://example.org/b.json.gz#part-2", "https://example.org/c.jsonl"],
            shards.Select(s => s.Location).OrderBy(s => s, StringComparer.Ordinal));
    }

    /// <summary>Dolma's list given by its URL was read as one shard: each of its lines invalid JSON, and the run or data
    /// command failed with "no document", the first issue a '#' at line 1. A list on a server is refused, saying to download it.</summary>
    [Theory]
    [InlineData("https://huggingface.co/datasets/allenai/dolma/resolve/main/urls/v1_7.txt")]
    [InlineData("http://127.0.0.1:8000/shards.URLS?download=1")]
    public void A_url_list_on_a_server_is_refused_saying_to_download_it(string url)
    {
        using var dir = new ArtifactTempDir();
        var e = Assert.Throws<DataException>(() => ShardList.Expand([url], dir.Path));
        Assert.Contains($"'{url}' is a list of shards on a server", e.Message);
        Assert.Contains($"curl -L '{url}' -o ", e.Message);

        File.WriteAllLines(dir.File("list.txt"), ["https://example.org/a.json.gz", url]);
        var listed = Assert.Throws<DataException>(() => ShardList.Expand(["list.txt"], dir.Path));
        Assert.StartsWith($"{dir.File("list.txt")}:2: '{url}' is a list of shards on a server", listed.Message);

        // A shard URL whose query or fragment ends in .txt is a shard.
        Assert.Single(ShardList.Expand(["https://example.org/a.json.gz?name=x.txt"], dir.Path));
    }

    [Fact]
    public void An_empty_list_file_is_an_error_not_a_source_without_shards()
    {
        using var dir = new ArtifactTempDir();
        File.WriteAllText(dir.File("v1_7.txt"), "");
        File.WriteAllLines(dir.File("comments.urls"), ["# Dolma v1.7", ""]);

        Assert.Equal($"'{dir.File("v1_7.txt")}' lists no shard: it has no line", Assert.Throws<DataException>(() => ShardList.Expand(["v1_7.txt"], dir.Path)).Message);
        Assert.Equal($"'{dir.File("comments.urls")}' lists no shard: it has only blank lines and # comments",
            Assert.Throws<DataException>(() => ShardList.Expand(["comments.urls"], dir.Path)).Message);
    }
}
