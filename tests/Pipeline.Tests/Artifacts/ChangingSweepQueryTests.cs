using Retention.Analysis;
using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

/// <summary>
/// A query of a sweep still training: a run that ends between the query's listing of its files and their reading merges
/// its sealed parts into the complete table and removes them. The table is read whole from the complete file, not left
/// out as damaged with advice to delete the run (which is what a user saw).
/// </summary>
public class ChangingSweepQueryTests
{
    sealed record Row(long Step, double Loss);

    static readonly RecordBatchBuilder<Row> Builder = new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Float64("loss", r => r.Loss);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_run_ending_between_listing_and_reading_is_read_from_its_complete_table(bool cached)
    {
        using var dir = new ArtifactTempDir();
        var table = dir.File("runs", "a", "train.arrow");
        Directory.CreateDirectory(Path.GetDirectoryName(table)!);
        await using var writer = ArrowRowWriter<Row>.Create(table, Builder);
        for (long s = 1; s <= 25; s++)
        {
            writer.Append(new Row(s, 1.0 / s));
            if (s % 10 == 0) writer.Seal(s);   // a checkpoint's seal: parts a query reads while the run trains
        }
        bool ended = false;
        ArtifactCatalog.Listed.Value = () =>
        {
            if (ended) return;
            ended = true;
            writer.CompleteAsync().GetAwaiter().GetResult();   // the run ends: parts merged into train.arrow and removed
        };
        using var catalog = cached ? ArtifactCatalog.OpenCached(dir.Path, DamagedTables.LeaveOut) : ArtifactCatalog.Open(dir.Path, DamagedTables.LeaveOut);

        Assert.True(ended);
        Assert.Empty(catalog.LeftOut);
        Assert.Equal(25L, SqlRunner.Query(catalog.Connection, "SELECT count(*) FROM train").Rows.Single()[0]);
    }
}
