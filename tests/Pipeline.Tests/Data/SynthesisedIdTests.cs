using System.Text.Json;
using Retention.Data;
using Retention.Tests.Pipeline;

namespace Retention.Tests.Data;

/// <summary>
/// README (Data): a document without an id is named "&lt;shard&gt;:&lt;line&gt;" with the shard's path as the source's
/// entries spell it, so the held-out split (a hash of source and id), and with it the training stream, does not depend
/// on where the corpus lies; a run trained before keeps the absolute ids it started with.
/// </summary>
public class SynthesisedIdTests() : InTempFolder("synth-ids-")
{
    static readonly string[] Words = "the of and to in is was he for it with as his on be at by had are but from or".Split(' ');

    /// <summary>3 shards of 40 id-less documents under <paramref name="project"/>/shards; with <paramref name="idsFrom"/>,
    /// each line carries the id the old reader synthesised there instead: "&lt;idsFrom&gt;/shards/sN.jsonl:&lt;line&gt;".</summary>
    static void WriteCorpus(string project, string? idsFrom = null)
    {
        var rng = new Random(5);
        for (int s = 0; s < 3; s++)
            DataFiles.Write(Path.Combine(project, "shards", $"s{s}.jsonl"), Enumerable.Range(1, 40).Select(line =>
            {
                var text = string.Join(' ', Enumerable.Range(0, rng.Next(5, 40)).Select(_ => Words[rng.Next(Words.Length)]));
                return idsFrom is null ? JsonSerializer.Serialize(new { text })
                    : JsonSerializer.Serialize(new { id = $"{idsFrom}/shards/s{s}.jsonl:{line}", text });
            }));
    }

    static DataStreamSpec Spec(string? absoluteIdsFrom = null) => new(
        [new DataSourceSpec { Paths = ["shards/*.jsonl"], ShuffleBuffer = 8, Epochs = 0 }],
        new TokenizerSpec(),
        new PackingSpec { SeqLen = 32, BatchSize = 4, HeldOutEvery = 5, ValidationRows = 1000 },
        [], 11, absoluteIdsFrom);

    static (int[] Validation, List<int[]> Batches) Read(DataStreamSpec spec, string baseDirectory) =>
        (DataStream.HeldOut(spec, baseDirectory).Tokens,
         DataStream.Open(spec, baseDirectory, new DataQualityLog()).Take(60).Select(b => b.Batch.Tokens).ToList());

    [Fact]
    public void Shards_are_named_by_their_path_as_the_entries_spell_it()
    {
        var project = Path.Combine(dir, "project", "pipelines");
        var outside = Path.Combine(dir, "outside");
        foreach (var f in new[] { Path.Combine(project, "data", "a.jsonl"), Path.Combine(project, "data", "sub", "b.jsonl"),
                     Path.Combine(dir, "project", "shared", "c.jsonl"), Path.Combine(outside, "d.jsonl"), Path.Combine(outside, "e.jsonl") })
            DataFiles.Write(f, ["{\"text\":\"x\"}"]);
        // A relative list whose relative line climbs out of its folder, and an absolute list with a relative line.
        Directory.CreateDirectory(Path.Combine(project, "lists"));
        File.WriteAllLines(Path.Combine(project, "lists", "en.txt"), ["../../shared/c.jsonl", Path.Combine(outside, "d.jsonl"), "https://example.org/u.jsonl"]);
        File.WriteAllLines(Path.Combine(outside, "abs.txt"), ["e.jsonl"]);

        var shards = ShardList.Expand(["data/*.jsonl", "data/sub", "lists/en.txt", Path.Combine(outside, "abs.txt"),
            Path.Combine(project, "data", "a.jsonl")], project);   // a.jsonl also named absolutely: it keeps its relative name

        Assert.Equal(new Dictionary<string, string>
        {
            [Path.Combine(project, "data", "a.jsonl")] = "data/a.jsonl",
            [Path.Combine(project, "data", "sub", "b.jsonl")] = "data/sub/b.jsonl",
            [Path.Combine(dir, "project", "shared", "c.jsonl")] = "../shared/c.jsonl",
            [Path.Combine(outside, "d.jsonl")] = Path.Combine(outside, "d.jsonl"),
            [Path.Combine(outside, "e.jsonl")] = Path.Combine(outside, "e.jsonl"),
            ["https://example.org/u.jsonl"] = "https://example.org/u.jsonl",
        }, shards.ToDictionary(s => s.Location, s => s.IdName));

        // The parser names an id-less line by it; a line with an id keeps its own.
        var shard = shards.Single(s => s.FileName == "c.jsonl");
        Assert.Equal("../shared/c.jsonl:7", DolmaParser.Parse("{\"text\":\"x\"}"u8, shard.IdName, 0, 7, "s").Document!.Id);
        Assert.Equal("mine", DolmaParser.Parse("{\"id\":\"mine\",\"text\":\"x\"}"u8, shard.IdName, 0, 7, "s").Document!.Id);
        // Resolved against a folder, relative names become the absolute paths runs used before (absolute ones stay).
        Assert.Equal("/old/place/shared/c.jsonl", shard.WithAbsoluteIdName("/old/place/pipelines").IdName);
        Assert.Equal(Path.Combine(outside, "d.jsonl"), shards.Single(s => s.FileName == "d.jsonl").WithAbsoluteIdName("/old").IdName);
    }

    [Fact]
    public void A_corpus_without_ids_copied_to_two_folders_holds_out_the_same_documents_and_trains_on_the_same_batches()
    {
        var (one, two) = (Path.Combine(dir, "one"), Path.Combine(dir, "elsewhere", "deeper", "two"));
        WriteCorpus(one);
        WriteCorpus(two);

        var (validationOne, batchesOne) = Read(Spec(), one);
        var (validationTwo, batchesTwo) = Read(Spec(), two);

        Assert.NotEmpty(validationOne);   // something was held out: the comparison means something
        Assert.Equal(validationOne, validationTwo);
        Assert.Equal(60, batchesOne.Count);
        Assert.Equal(batchesOne, batchesTwo);
    }

    [Fact]
    public void Pretokenized_documents_are_named_by_relative_paths_too()
    {
        // Token files of uint16 documents split by the byte-level tokenizer's EOS, in two folders.
        var tokenizer = new TokenizerSpec { Kind = "bpe", Path = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-vocab.json"),
            MergesPath = Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", "bytes-merges.txt") };
        var eos = TextTokenizer.Create(tokenizer, dir).EosId;
        var rng = new Random(9);
        var bytes = Enumerable.Range(0, 150).SelectMany(_ => Enumerable.Range(0, rng.Next(3, 30)).Select(_ => rng.Next(65, 90)).Append(eos))
            .SelectMany(t => new[] { (byte)t, (byte)(t >> 8) }).ToArray();
        foreach (var folder in new[] { "one", "two/deeper" })
            DataFiles.Write(Path.Combine(dir, folder, "tokens", "a.bin"), bytes);
        var spec = Spec() with { Sources = [new DataSourceSpec { Paths = ["tokens/a.bin"], Format = "pretokenized" }], Tokenizer = tokenizer };

        var one = DataStream.HeldOut(spec, Path.Combine(dir, "one")).Tokens;
        Assert.NotEmpty(one);
        Assert.Equal(one, DataStream.HeldOut(spec, Path.Combine(dir, "two", "deeper")).Tokens);
    }

    [Fact]
    public void With_absolute_ids_from_a_folder_a_moved_corpus_keeps_the_split_the_old_reader_gave_it_there()
    {
        // The old reader named id-less lines "<absolute path>:<line>": a copy whose lines carry those ids explicitly is
        // what a run that first trained in "first" read, wherever the copy lies.
        var first = Path.Combine(dir, "first");
        WriteCorpus(Path.Combine(dir, "explicit"), idsFrom: first);
        var moved = Path.Combine(dir, "moved");
        WriteCorpus(moved);

        var expected = Read(Spec(), Path.Combine(dir, "explicit"));
        var legacy = Read(Spec(absoluteIdsFrom: first), moved);

        Assert.NotEmpty(expected.Validation);
        Assert.Equal(expected.Validation, legacy.Validation);
        Assert.Equal(expected.Batches, legacy.Batches);
        Assert.NotEqual(expected.Validation, Read(Spec(), moved).Validation);   // relative ids hold out other documents
    }
}
