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

    [Fact]
    public async Task A_set_whose_second_write_fails_leaves_both_earlier_files_and_no_tmp_and_one_that_succeeds_replaces_both()
    {
        using var dir = new ArtifactTempDir();
        string first = dir.File("das.arrow"), second = dir.File("fourier.arrow");
        File.WriteAllText(first, "earlier das");
        File.WriteAllText(second, "earlier fourier");
        Task Write(string tmp, string text) => File.WriteAllTextAsync(tmp, text);

        var error = await Assert.ThrowsAsync<IOException>(() => AtomicFile.ReplaceAllAsync([
            (first, tmp => Write(tmp, "new das")),
            (second, tmp => { File.WriteAllText(tmp, "half"); throw new IOException("No space left on device"); })]));
        Assert.Equal($"cannot write {second}: No space left on device", error.Message);
        Assert.Equal("earlier das", File.ReadAllText(first));
        Assert.Equal("earlier fourier", File.ReadAllText(second));
        Assert.Equal([first, second], Directory.GetFiles(dir.Path).Order());

        await AtomicFile.ReplaceAllAsync([(first, tmp => Write(tmp, "new das")), (second, tmp => Write(tmp, "new fourier"))]);
        Assert.Equal("new das", File.ReadAllText(first));
        Assert.Equal("new fourier", File.ReadAllText(second));
        Assert.Equal([first, second], Directory.GetFiles(dir.Path).Order());
    }
}
