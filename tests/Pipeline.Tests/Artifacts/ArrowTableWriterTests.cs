using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

public class ArrowTableWriterTests
{
    private sealed record Row(long Step, int Task, double Loss, float Signal, string? Run, bool Learned, double? Gap, DateTimeOffset At);

    private static readonly RecordBatchBuilder<Row> Builder = new RecordBatchBuilder<Row>()
        .Int64("step", r => r.Step)
        .Int32("task", r => r.Task)
        .Float64("loss", r => r.Loss)
        .Float32("signal", r => r.Signal)
        .Utf8("run", r => r.Run)
        .Bool("learned", r => r.Learned)
        .Float64("gap", r => r.Gap)
        .Timestamp("at", r => r.At);

    private static readonly DateTimeOffset T0 = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static List<Row> Rows(int count) => [.. Enumerable.Range(0, count).Select(i => new Row(
        Step: 1_000_000_000_000L + i, Task: -i, Loss: 1.0 / (i + 1), Signal: i * 0.5f,
        Run: i % 3 == 0 ? null : $"run-{i}", Learned: i % 2 == 0, Gap: i % 4 == 0 ? null : i * 1.25,
        At: T0.AddSeconds(i)))];

    private static async Task<(Schema Schema, int Batches, List<Row> Rows)> ReadBack(string path)
    {
        using var reader = new ArrowFileReader(File.OpenRead(path));
        var batches = await reader.RecordBatchCountAsync();
        var rows = new List<Row>();
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    rows.Add(new Row(
                        ((Int64Array)batch.Column("step")).GetValue(i)!.Value,
                        ((Int32Array)batch.Column("task")).GetValue(i)!.Value,
                        ((DoubleArray)batch.Column("loss")).GetValue(i)!.Value,
                        ((FloatArray)batch.Column("signal")).GetValue(i)!.Value,
                        ((StringArray)batch.Column("run")).GetString(i),
                        ((BooleanArray)batch.Column("learned")).GetValue(i)!.Value,
                        ((DoubleArray)batch.Column("gap")).GetValue(i),
                        ((TimestampArray)batch.Column("at")).GetTimestamp(i)!.Value));
                }
            }
        }
        return (reader.Schema, batches, rows);
    }

    [Fact]
    public async Task Row_writer_round_trips_every_column_type_over_several_batches()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("run-1", "metrics.arrow");
        var rows = Rows(10);

        await using (var writer = ArrowRowWriter<Row>.Create(path, Builder, batchRows: 4))
        {
            foreach (var row in rows) writer.Append(row);
            await writer.CompleteAsync();
        }

        var (schema, batches, read) = await ReadBack(path);
        Assert.Equal(3, batches); // 4 + 4 + 2
        Assert.Equal(rows, read);
        Assert.Equal(["step", "task", "loss", "signal", "run", "learned", "gap", "at"], schema.FieldsList.Select(f => f.Name));
        Assert.IsType<Int32Type>(schema.GetFieldByName("task").DataType);
        Assert.IsType<FloatType>(schema.GetFieldByName("signal").DataType);
        Assert.False(schema.GetFieldByName("loss").IsNullable);
        Assert.True(schema.GetFieldByName("gap").IsNullable);
    }

    [Fact]
    public async Task File_appears_only_when_completed()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("metrics.arrow");
        var writer = ArrowTableWriter.Create(path, Builder.Schema);
        using (var batch = Builder.Build(Rows(3))) await writer.WriteAsync(batch);

        Assert.False(File.Exists(path));
        Assert.True(File.Exists(path + ".tmp"));

        await writer.CompleteAsync();

        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(Rows(3), (await ReadBack(path)).Rows);
    }

    [Fact]
    public async Task Disposing_without_complete_keeps_the_rows_written_before_an_exception()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("metrics.arrow");

        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var writer = ArrowRowWriter<Row>.Create(path, Builder, batchRows: 2);
            foreach (var row in Rows(5)) writer.Append(row); // two batches written, one row buffered
            throw new InvalidOperationException("training crashed");
        });

        Assert.Equal(Rows(5), (await ReadBack(path)).Rows);
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task Abort_discards_the_file()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("metrics.arrow");
        await using (var writer = ArrowRowWriter<Row>.Create(path, Builder, batchRows: 2))
        {
            foreach (var row in Rows(3)) writer.Append(row);
            writer.Abort();
        }

        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public async Task A_table_with_no_rows_is_a_valid_file_with_its_schema()
    {
        using var dir = new ArtifactTempDir();
        var path = dir.File("theory.arrow");

        await ArrowFiles.WriteTableAsync(path, Builder, []);

        var (schema, _, rows) = await ReadBack(path);
        Assert.Empty(rows);
        Assert.Equal(8, schema.FieldsList.Count);
    }

    [Fact]
    public async Task Writing_after_completion_is_an_error()
    {
        using var dir = new ArtifactTempDir();
        var writer = ArrowTableWriter.Create(dir.File("t.arrow"), Builder.Schema);
        await writer.CompleteAsync();
        using var batch = Builder.Build(Rows(1));

        Assert.Throws<InvalidOperationException>(() => writer.Write(batch));
    }

    [Fact]
    public void Builder_rejects_a_column_declared_twice()
    {
        Assert.Throws<ArgumentException>(() => new RecordBatchBuilder<Row>().Int64("step", r => r.Step).Int32("step", r => r.Task));
    }
}
