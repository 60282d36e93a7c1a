using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class SourceMixerTests
{
    private static DocumentSource Source(ArtifactTempDir dir, string name, int docs, double weight, int epochs, DataQualityLog log)
    {
        var path = DataFiles.Write(dir.File(name + ".jsonl"), DataFiles.Lines(DataFiles.Docs(name, docs)));
        return DataFiles.Source([path], log, shuffleBuffer: 5, seed: name.Length, epochs: epochs, name: name, weight: weight);
    }

    [Fact]
    public void Weights_set_the_shares_and_the_seed_fixes_the_sequence()
    {
        using var dir = new ArtifactTempDir();
        var log = new DataQualityLog();
        DocumentSource[] sources = [Source(dir, "big", 50, 3, epochs: 0, log), Source(dir, "small", 30, 1, epochs: 0, log)];

        var a = new SourceMixer(sources, seed: 7).Read().Take(4000).ToList();
        var b = new SourceMixer(sources, seed: 7).Read().Take(4000).ToList();
        var c = new SourceMixer(sources, seed: 8).Read().Take(4000).ToList();

        // Expected share 0.75; the binomial standard deviation over 4000 draws is 0.0068, so
        // 0.035 is about five of them (and the draw is seeded, so the test cannot flake).
        var share = a.Count(d => d.SourceIndex == 0) / 4000.0;
        Assert.InRange(share, 0.75 - 0.035, 0.75 + 0.035);
        Assert.Equal(a.Select(d => (d.SourceIndex, d.Document)), b.Select(d => (d.SourceIndex, d.Document)));
        Assert.NotEqual(a.Select(d => d.SourceIndex), c.Select(d => d.SourceIndex));
        Assert.All(a, d => Assert.StartsWith(d.SourceIndex == 0 ? "big-" : "small-", d.Document.Id));
    }

    [Fact]
    public void When_a_source_runs_out_the_others_continue_and_every_document_arrives_once()
    {
        using var dir = new ArtifactTempDir();
        var log = new DataQualityLog();
        DocumentSource[] sources = [Source(dir, "few", 10, 1, epochs: 1, log), Source(dir, "many", 100, 1, epochs: 1, log)];

        var read = new SourceMixer(sources, seed: 3).Read().ToList();

        Assert.Equal(110, read.Count);
        Assert.Equal(110, read.Select(d => d.Document.Id).Distinct().Count());
        var lastFew = read.FindLastIndex(d => d.SourceIndex == 0);
        Assert.True(lastFew < 60, $"the small source should run out early, last at {lastFew}");
        Assert.All(read.Skip(lastFew + 1), d => Assert.Equal(1, d.SourceIndex));
        Assert.True(read[^1].After.Exhausted[0]);
    }

    [Fact]
    public void Resuming_a_mix_from_any_document_gives_exactly_the_rest()
    {
        using var dir = new ArtifactTempDir();
        var log = new DataQualityLog();
        DocumentSource[] sources =
        [
            Source(dir, "a", 12, 2, epochs: 1, log), Source(dir, "bb", 25, 1, epochs: 2, log), Source(dir, "ccc", 9, 1, epochs: 1, log),
        ];
        var full = new SourceMixer(sources, seed: 5).Read().ToList();
        Assert.Equal(12 + 50 + 9, full.Count);

        for (var k = 0; k < full.Count; k++)
        {
            var cursor = full[k].After;
            var rest = new SourceMixer(sources, seed: 5).Read(cursor).ToList();
            Assert.Equal(full.Skip(k + 1).Select(d => (d.SourceIndex, d.Document)), rest.Select(d => (d.SourceIndex, d.Document)));
            Assert.Equal(full.Skip(k + 1).Select(d => d.After), rest.Select(d => d.After));
        }
    }
}
