using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

/// <summary>Tables written in durable pieces: what a kill leaves (sealed parts, each a complete
/// Arrow file), what a resume keeps, and what completion merges.</summary>
public class ArrowPartsTests
{
    sealed record Row(long Step, double Loss);

    static readonly RecordBatchBuilder<Row> Builder = new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Float64("loss", r => r.Loss);

    static Row At(long step) => new(step, 1.0 / step);

    static List<Row> ReadAll(IEnumerable<string> files)
    {
        var rows = new List<Row>();
        foreach (var file in files)
        {
            using var reader = new ArrowFileReader(File.OpenRead(file));
            while (reader.ReadNextRecordBatch() is { } b)
                using (b)
                    for (int i = 0; i < b.Length; i++)
                        rows.Add(new Row(((Int64Array)b.Column("step")).GetValue(i)!.Value, ((DoubleArray)b.Column("loss")).GetValue(i)!.Value));
        }
        return rows;
    }

    /// <summary>Appends steps from..to, sealing at every multiple of sealEvery, and leaves the writer
    /// open (as a SIGKILL would: no completion, nothing after the last seal on disk as a part).</summary>
    static ArrowRowWriter<Row> WriteUnfinished(ArrowRowWriter<Row> writer, long from, long to, long sealEvery)
    {
        for (long s = from; s <= to; s++)
        {
            writer.Append(At(s));
            if (s % sealEvery == 0) writer.Seal(s);
        }
        return writer;
    }

    [Fact]
    public void A_resume_refuses_parts_of_another_shape_and_cuts_nothing()
    {
        // A table sealed by an earlier version (no "batch" column) cannot be continued with this version's rows: the
        // column is not nullable, so the older rows have no value to take there (a nullable one is padded: below).
        using var dir = new ArtifactTempDir();
        var path = dir.File("gradients.arrow");
        WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10);   // killed: left open
        var wider = new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Float64("loss", r => r.Loss).Int32("batch", _ => 1);
        var error = Assert.Throws<ArtifactException>(() => ArrowRowWriter<Row>.Resume(path, wider, upToStep: 10));
        Assert.Contains("batch", error.Message);
        Assert.Contains("afresh", error.Message);
        Assert.Equal([10L, 20L], ArrowParts.List(path).Select(p => p.Step));   // the part after step 10 is still there
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_resume_continues_an_older_table_with_a_nullable_column_added_last_reading_null_in_its_rows(bool completed)
    {
        // das.arrow gained base_accuracy: a run an older version wrote keeps its rows, NULL there, and its new rows have values.
        using var dir = new ArtifactTempDir();
        var path = dir.File("das.arrow");
        var older = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder, batchRows: 4), 1, 25, sealEvery: 10);
        if (completed) await older.CompleteAsync();   // stopped: the complete file is cut at the checkpoint
        var wider = Builder.Float64("extra", r => (double?)r.Step * 2);
        ArrowTableWriter.RequireResumable(path, wider.Schema, upToStep: 20);   // what TableSet checks first: accepted
        await using (var resumed = ArrowRowWriter<Row>.Resume(path, wider, upToStep: 20))
        {
            WriteUnfinished(resumed, 21, 30, sealEvery: 1000);
            await resumed.CompleteAsync();
        }
        Assert.Equal(Enumerable.Range(1, 30).Select(s => At(s)), ReadAll([path]));
        var extra = new List<double?>();
        using (var reader = new ArrowFileReader(File.OpenRead(path)))
        {
            Assert.Equal(["step", "loss", "extra"], reader.Schema.FieldsList.Select(f => f.Name));
            while (reader.ReadNextRecordBatch() is { } b)
                using (b) extra.AddRange(((DoubleArray)b.Column("extra")).Select(v => v));
        }
        Assert.Equal(Enumerable.Repeat<double?>(null, 20).Concat(Enumerable.Range(21, 10).Select(s => (double?)s * 2)), extra);
    }

    /// <summary>A deleted last part leaves parts 1..n-1 in order, as a table with no rows since part n-1 would: only the
    /// number the checkpoint recorded (<see cref="ArrowTableWriter.LastSealedPart"/>) tells them apart.</summary>
    [Fact]
    public void The_last_part_a_checkpoint_recorded_is_required_and_a_resume_continues_its_numbering()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        var writer = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 30, sealEvery: 10);   // killed: left open
        Assert.Equal(3, writer.LastSealedPart);
        ArrowTableWriter.RequireResumable(path, Builder.Schema, upToStep: 30, lastSealedPart: 3);
        ArrowTableWriter.RequireResumable(path, Builder.Schema, upToStep: 20, lastSealedPart: 2);   // a checkpoint at 20: part 3 goes

        File.Delete(ArrowParts.List(path)[^1].Path);
        ArrowTableWriter.RequireResumable(path, Builder.Schema, upToStep: 30);   // unknown: parts 1 and 2 look whole
        var error = Assert.Throws<ArtifactException>(() => ArrowTableWriter.RequireResumable(path, Builder.Schema, upToStep: 30, lastSealedPart: 3));
        Assert.Equal(Path.Combine(ArrowParts.DirectoryOf(path), "000003-*.arrow"), error.FilePath);
        Assert.Contains("part 3 of the 3 parts sealed up to the checkpoint's step 30", error.Message);
        Assert.Equal(2, ArrowParts.List(path).Count);   // checking cut nothing

        var resumed = ArrowRowWriter<Row>.Resume(path, Builder, upToStep: 20);
        Assert.Equal(2, resumed.LastSealedPart);
        WriteUnfinished(resumed, 21, 30, sealEvery: 10);
        Assert.Equal(3, resumed.LastSealedPart);
    }

    [Fact]
    public void A_resume_refuses_a_column_added_before_the_older_ones()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("das.arrow");
        WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10);
        var reordered = new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Float64("extra", r => (double?)r.Loss).Float64("loss", r => r.Loss);
        Assert.Throws<ArtifactException>(() => ArrowRowWriter<Row>.Resume(path, reordered, upToStep: 10));
        Assert.Equal([10L, 20L], ArrowParts.List(path).Select(p => p.Step));
    }

    [Fact]
    public void Sealed_rows_are_complete_arrow_files_while_the_writer_is_still_open()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        var writer = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10);

        Assert.False(File.Exists(path));
        var parts = ArrowParts.List(path);
        Assert.Equal([10L, 20L], parts.Select(p => p.Step));
        Assert.Equal(Enumerable.Range(1, 20).Select(s => At(s)), ReadAll(parts.Select(p => p.Path)));
        // The query layout reads the parts of a table that was never completed.
        var files = ArtifactLayout.Discover(dir.Path);
        Assert.All(files, f => Assert.Equal("train", f.Table));
        Assert.Equal(2, files.Count);
        writer.Abort();
    }

    [Fact]
    public async Task Completion_merges_the_parts_and_the_rows_after_the_last_seal_into_one_file()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        await using (var writer = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10))
            await writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(1, 25).Select(s => At(s)), ReadAll([path]));
        Assert.False(Directory.Exists(ArrowParts.DirectoryOf(path)));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task A_resume_keeps_the_sealed_rows_up_to_its_step_and_the_result_equals_an_uninterrupted_table()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        // Killed at step 37 after seals at 10, 20, 30; the checkpoint it resumes from is step 20
        // (a kill between sealing 30 and promoting its checkpoint).
        WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 37, sealEvery: 10);
        await using (var resumed = ArrowRowWriter<Row>.Resume(path, Builder, upToStep: 20))
        {
            Assert.Equal([10L, 20L], ArrowParts.List(path).Select(p => p.Step));
            WriteUnfinished(resumed, 21, 50, sealEvery: 10);
            await resumed.CompleteAsync();
        }
        Assert.Equal(Enumerable.Range(1, 50).Select(s => At(s)), ReadAll([path]));
    }

    [Fact]
    public async Task A_resume_after_a_stop_that_completed_the_file_cuts_it_at_the_checkpoint()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        await using (var stopped = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder, batchRows: 4), 1, 33, sealEvery: 1000))
            await stopped.CompleteAsync();   // Ctrl+C completes the table with rows past the checkpoint
        await using (var resumed = ArrowRowWriter<Row>.Resume(path, Builder, upToStep: 30))
        {
            Assert.False(File.Exists(path));   // cut into the first part until completion
            Assert.Equal(Enumerable.Range(1, 30).Select(s => At(s)), ReadAll(ArrowParts.List(path).Select(p => p.Path)));
            WriteUnfinished(resumed, 31, 40, sealEvery: 1000);
            await resumed.CompleteAsync();
        }
        Assert.Equal(Enumerable.Range(1, 40).Select(s => At(s)), ReadAll([path]));
    }

    /// <summary>A run stopped at step 0 or failing before its first checkpoint completes its tables; its resume trains it from
    /// step 0 with fresh writers and is killed after a checkpoint. The earlier attempt's complete file won over the new parts:
    /// a query read its rows (none, for a stop at step 0), and the next resume cut it and dropped every row of the parts.</summary>
    [Fact]
    public async Task An_earlier_attempts_complete_file_does_not_win_over_the_parts_a_run_trained_again_from_step_0_sealed()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        await using (var stopped = ArrowRowWriter<Row>.Create(path, Builder)) await stopped.CompleteAsync();   // stopped at step 0: no row
        WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10);   // trained again, killed after step 20's seal

        Assert.Equal(Enumerable.Range(1, 20).Select(s => At(s)), ReadAll(ArtifactLayout.Discover(dir.Path).Select(f => f.Path)));
        await using (var resumed = ArrowRowWriter<Row>.Resume(path, Builder, upToStep: 20))
        {
            WriteUnfinished(resumed, 21, 30, sealEvery: 10);
            await resumed.CompleteAsync();
        }
        Assert.Equal(Enumerable.Range(1, 30).Select(s => At(s)), ReadAll([path]));

        // A table with no row yet at the new attempt's first seal does not keep the earlier attempt's rows either.
        var other = dir.File("eval.arrow");
        await using (var failed = WriteUnfinished(ArrowRowWriter<Row>.Create(other, Builder), 1, 3, sealEvery: 1000)) await failed.CompleteAsync();
        var again = ArrowRowWriter<Row>.Create(other, Builder);
        again.Seal(10);
        Assert.False(File.Exists(other));
        again.Abort();
    }

    [Fact]
    public async Task A_complete_file_beside_parts_wins_for_readers_and_for_a_resume()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        await using (var w = WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 12, sealEvery: 1000)) await w.CompleteAsync();
        // A kill between the merge's rename and removing the parts folder leaves both.
        Directory.CreateDirectory(ArrowParts.DirectoryOf(path));
        File.Copy(path, ArrowParts.PathOf(path, 1, 5));
        Assert.Equal([path], ArtifactLayout.Discover(dir.Path).Select(f => f.Path));
        await using (var resumed = ArrowRowWriter<Row>.Resume(path, Builder, upToStep: 10)) await resumed.CompleteAsync();
        Assert.Equal(Enumerable.Range(1, 10).Select(s => At(s)), ReadAll([path]));
    }

    [Fact]
    public void A_fresh_writer_removes_what_an_earlier_attempt_left()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("train.arrow");
        WriteUnfinished(ArrowRowWriter<Row>.Create(path, Builder), 1, 25, sealEvery: 10);
        var fresh = ArrowRowWriter<Row>.Create(path, Builder);
        Assert.Empty(ArrowParts.List(path));
        fresh.Abort();
    }
}
