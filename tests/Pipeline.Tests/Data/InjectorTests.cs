using Apache.Arrow;
using Apache.Arrow.Ipc;
using Retention.Artifacts;
using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

public class InjectorTests
{
    private const int Eos = 0, V = 1000;
    private static readonly PackingSpec Packing = new() { SeqLen = 63, BatchSize = 8 };

    private static (Injector Injector, TaskVocabulary Vocabulary) Build(params InjectedTaskSpec[] specs) =>
        Injector.Create(specs, Packing, V, Eos, seed: 5);

    /// <summary>Text batches whose ids (1..V-1) never collide with EOS or appended task tokens.</summary>
    private static TokenBatch TextBatch(long step)
    {
        var rng = StableRng.Seed(step, 3);
        var tokens = Enumerable.Range(0, Packing.BatchSize * Packing.RowLength).Select(_ => 1 + rng.NextInt(V - 1)).ToArray();
        return new TokenBatch(step, Packing.BatchSize, Packing.RowLength, tokens, PackerCursor.Start, null);
    }

    [Fact]
    public void TheBatchContainsExactlyTheSegmentsTheRowsRecord()
    {
        var (injector, vocabulary) = Build(
            new() { Kind = ComparisonTask.KindName, Frequency = 1.0 / 100, Seed = 1 },
            new() { Kind = ModularAdditionTask.KindName, Frequency = 1.0 / 300, Gap = 4, Seed = 2 });
        var tasks = injector.Feeds.ToDictionary(f => f.Task.Name, f => f.Task);
        for (long step = 1; step <= 200; step++)
        {
            var text = TextBatch(step);
            var (batch, rows) = injector.Inject(text);
            Assert.Equal(injector.Feeds.Sum(f => f.Schedule.CountAt(step)), rows.Count);
            var touched = new bool[text.Tokens.Length];
            foreach (var r in rows)
            {
                Assert.Equal(step, r.Step);
                Assert.InRange(r.Offset, 1, Packing.RowLength - 3);
                var instance = tasks[r.Task].Instances[r.InstanceId];
                Assert.True(r.InstanceId < tasks[r.Task].TrainCount, "only train instances are injected");
                var tokens = vocabulary.For(r.Task);
                int at = r.Row * Packing.RowLength + r.Offset;
                Assert.Equal([Eos, tokens.ItemIds[instance.A], tokens.ItemIds[instance.B], tokens.LabelIds[instance.Label]], batch.Tokens[(at - 1)..(at + 3)]);
                for (int t = at - 1; t < at + 3; t++)
                {
                    Assert.False(touched[t], "segments overlap");
                    touched[t] = true;
                }
            }
            // Everything else is the text, untouched.
            for (int t = 0; t < text.Tokens.Length; t++)
                if (!touched[t]) Assert.Equal(text.Tokens[t], batch.Tokens[t]);
            Assert.Equal(text.After, batch.After);
        }
    }

    [Fact]
    public void EveryTrainInstanceIsInjectedOncePerEpochAndTheTestSplitNever()
    {
        var (injector, _) = Build(new InjectedTaskSpec { Kind = ModularAdditionTask.KindName, Frequency = 1.0 / 16, Instances = 300, TrainInstances = 100, Items = 101 });
        // 8·63/16 = 31.5 instances per batch: 100 instances take 3.2 batches, so 32 batches are 10 epochs.
        var ids = Enumerable.Range(1, 32).SelectMany(s => injector.Inject(TextBatch(s)).Injections).Select(r => r.InstanceId).ToList();
        Assert.Equal(1008, ids.Count);
        for (int epoch = 0; epoch < 10; epoch++)
            Assert.Equal(Enumerable.Range(0, 100), ids.Skip(epoch * 100).Take(100).Order());
        Assert.NotEqual(ids.Take(100), ids.Skip(100).Take(100)); // the order changes between epochs
    }

    [Fact]
    public void InjectionIsAFunctionOfTheStepAlone()
    {
        var spec = new InjectedTaskSpec { Kind = ComparisonTask.KindName, Frequency = 1.0 / 50, Gap = 3 };
        var (a, _) = Build(spec);
        var (b, _) = Build(spec);
        var forward = Enumerable.Range(1, 60).Select(s => a.Inject(TextBatch(s))).ToList();
        // A fresh injector asked for the steps in another order (as after a resume) gives the same batches.
        foreach (int s in Enumerable.Range(1, 60).Reverse())
        {
            var again = b.Inject(TextBatch(s));
            Assert.Equal(forward[s - 1].Batch.Tokens, again.Batch.Tokens);
            Assert.Equal(forward[s - 1].Injections, again.Injections);
        }
        Assert.Equal(a.CursorAt(60).Injected, [forward.Sum(x => (long)x.Injections.Count)]);
    }

    [Fact]
    public void AnInjectionTooLargeForTheBatchIsRefused()
    {
        // 8·63·(1/64)·200 = 1,575 instances at once: 197 segments per row of 64 tokens.
        Assert.Throws<ArgumentException>(() => Build(new InjectedTaskSpec { Kind = ComparisonTask.KindName, Frequency = 1.0 / 64, Gap = 200 }));
    }

    [Fact]
    public async Task InjectionTableRowsRoundTripThroughArrow()
    {
        var (injector, _) = Build(new InjectedTaskSpec { Kind = ComparisonTask.KindName, Frequency = 1.0 / 40 });
        var expected = Enumerable.Range(1, 30).SelectMany(s => injector.Inject(TextBatch(s)).Injections).ToList();
        using var dir = new ArtifactTempDir();
        var path = dir.File(DataTables.InjectionsFile);
        await using (var writer = ArrowRowWriter<TaskInjectionRow>.Create(path, DataTables.Injections, batchRows: 64))
        {
            foreach (var row in expected) writer.Append(row);
            await writer.CompleteAsync();
        }

        var actual = new List<TaskInjectionRow>();
        using var reader = new ArrowFileReader(File.OpenRead(path));
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
            using (batch)
            {
                var step = (Int64Array)batch.Column("step");
                var row = (Int32Array)batch.Column("row");
                var offset = (Int32Array)batch.Column("offset");
                var task = (StringArray)batch.Column("task");
                var id = (Int32Array)batch.Column("instance_id");
                for (int i = 0; i < batch.Length; i++)
                    actual.Add(new TaskInjectionRow(step.GetValue(i)!.Value, row.GetValue(i)!.Value, offset.GetValue(i)!.Value, task.GetString(i), id.GetValue(i)!.Value));
            }
        Assert.Equal(expected, actual);
    }
}
