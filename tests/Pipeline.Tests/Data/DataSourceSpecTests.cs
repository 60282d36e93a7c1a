using Retention.Data;

namespace Retention.Tests.Data;

public class DataSourceSpecTests
{
    [Fact]
    public void Defaults_are_valid_and_each_bad_field_is_named_by_its_path()
    {
        Assert.Empty(new DataSourceSpec { Paths = ["data/*.json.gz"] }.Validate("data.sources[0]"));
        var errors = new DataSourceSpec
        {
            Paths = [], Weight = 0, Format = "parquet", ShuffleBuffer = 0, Epochs = -1, TokenDtype = "int8", EosTokenId = -2,
        }.Validate("data.sources[1]");
        Assert.Equal(["paths", "weight", "format", "shuffle_buffer", "epochs", "token_dtype", "eos_token_id"],
            errors.Select(e => e.Split(':')[0]["data.sources[1].".Length..]));
    }

    [Fact]
    public void Unset_seeds_are_derived_from_the_run_seed_and_differ_between_sources()
    {
        Assert.Equal(SeededStream.DeriveSeed(1, "web"), SeededStream.DeriveSeed(1, "web"));
        Assert.NotEqual(SeededStream.DeriveSeed(1, "web"), SeededStream.DeriveSeed(1, "code"));
        Assert.NotEqual(SeededStream.DeriveSeed(1, "web"), SeededStream.DeriveSeed(2, "web"));
    }

    [Fact]
    public void The_counter_based_stream_resumes_from_its_draw_count()
    {
        var a = new SeededStream(SeededStream.Derive(3, "documents"));
        var first = Enumerable.Range(0, 10).Select(_ => a.NextUInt64()).ToList();
        var b = new SeededStream(SeededStream.Derive(3, "documents"), draws: 4);
        Assert.Equal(first.Skip(4), Enumerable.Range(0, 6).Select(_ => b.NextUInt64()));
        Assert.Equal(10, b.Draws);
    }
}
