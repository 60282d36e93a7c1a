using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

/// <summary>Small files written under .tmp and renamed: a failure at either step leaves the earlier file (or nothing) and no .tmp.</summary>
public class AtomicFileTests
{
    sealed record Row(long Step);

    [Fact]
    public async Task A_rename_that_fails_leaves_no_tmp_and_one_that_succeeds_replaces_the_file()
    {
        using var dir = new ArtifactTempDir();
        var blocked = dir.File("status.json");
        Directory.CreateDirectory(Path.Combine(blocked, "inside"));   // a non-empty folder where the file goes
        await Assert.ThrowsAnyAsync<IOException>(() => AtomicFile.WriteTextAsync(blocked, "{}"));
        Assert.False(File.Exists(blocked + ".tmp"));
        var table = dir.File("theory.arrow");
        Directory.CreateDirectory(Path.Combine(table, "inside"));
        await Assert.ThrowsAnyAsync<IOException>(() => ArrowFiles.WriteTableAsync(table, new RecordBatchBuilder<Row>().Int64("step", r => r.Step), [new Row(1)]));
        Assert.False(File.Exists(table + ".tmp"));

        var kept = dir.File("run.yaml");
        await AtomicFile.WriteTextAsync(kept, "a: 1");
        await AtomicFile.WriteTextAsync(kept, "a: 2");
        Assert.Equal("a: 2", File.ReadAllText(kept));
        Assert.Equal([kept], Directory.GetFiles(dir.Path, "run.yaml*"));
    }
}
