using System.Diagnostics;
using Retention.Artifacts;
using Retention.Data;
using Retention.Spec;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>batches.arrow: what each batch of the data stage held.</summary>
public sealed record BatchRow(long Step, long DocumentsConsumed, int Rows, int SeqLen, int Injected, int EosTokens);

/// <summary>sources.arrow: documents each source has delivered by the end of a batch (a mix's shares, in SQL).</summary>
public sealed record SourceRow(long Step, string Source, long Documents);

/// <summary>
/// experiment: data — the data stage alone for train.steps batches, as a Dataflow graph:
///
///   stream (DataStream: source |> tokenize |> pack |> batch |> inject) |> records |> write
///
/// It writes batches.arrow, sources.arrow (documents delivered per source, for checking a mix's
/// weights), injections.arrow (every injected instance: step, row, offset, task, instance id), tasks.arrow (each task's
/// data.tasks settings, as an OLMo run's), data_quality.arrow and data_cursor.json (where the stream stopped, the cursor
/// a training checkpoint would save), so a data mix and its injection schedule can be checked
/// with SQL before any GPU time is spent.
/// </summary>
public static class DataRunGraph
{
    public static readonly RecordBatchBuilder<BatchRow> Batches = new RecordBatchBuilder<BatchRow>()
        .Int64("step", r => r.Step).Int64("documents_consumed", r => r.DocumentsConsumed).Int32("rows", r => r.Rows)
        .Int32("seq_len", r => r.SeqLen).Int32("injected", r => r.Injected).Int32("eos_tokens", r => r.EosTokens);

    public static readonly RecordBatchBuilder<SourceRow> Sources = new RecordBatchBuilder<SourceRow>()
        .Int64("step", r => r.Step).Utf8("source", r => r.Source).Int64("documents", r => r.Documents);

    /// <summary>Documents delivered by each source at <paramref name="cursor"/>: 0 before the first document is
    /// whole (no cursor yet), none for pre-tokenized files, which count no documents.</summary>
    public static IEnumerable<SourceRow> SourceRows(long step, ReadCursor? cursor, IReadOnlyList<DataSourceSpec> sources) => cursor switch
    {
        SourceCursor one => [new SourceRow(step, sources[0].Name, one.DocumentsDelivered)],
        MixerCursor mix => mix.Sources.Select((c, i) => new SourceRow(step, sources[i].Name, c.DocumentsDelivered)),
        null when sources.All(s => s.Format != "pretokenized") => sources.Select(s => new SourceRow(step, s.Name, 0)),
        _ => [],
    };

    /// <param name="resume">A --resume: a run an earlier attempt started is produced again from its first batch (a data
    /// run keeps no checkpoint), which it says, as a resumed run without a checkpoint does.</param>
    /// <param name="absoluteIdsFrom">Name documents without ids as runs did before names were relative (<see cref="DataStreamSpec.AbsoluteIdsFrom"/>).</param>
    public static async Task<RunStatus> RunAsync(GraphCell cell, string baseDirectory, IRunProgress progress, CancellationToken stop,
        bool resume = false, string? absoluteIdsFrom = null)
    {
        var spec = cell.Spec;
        var data = spec.Data ?? throw new InvalidOperationException("experiment: data needs a data: section");
        if (resume && ArrowParts.Written(Path.Combine(cell.RunDir, "batches.arrow")))
            progress.Info(ResumeFromZero.DataLine(cell.RunId));
        var stream = new DataStreamSpec(data.Sources, data.Tokenizer, data.Packing, data.Tasks, spec.Seed, absoluteIdsFrom);
        var quality = new DataQualityLog();
        var tokenizer = TextTokenizer.Create(data.Tokenizer, baseDirectory, stop);   // built once, shared with the stream; a first gpt2 use fetches
        var eos = tokenizer.EosId;
        var shards = RunShardReader.For(cell, progress, stop);
        // The tasks' settings as an OLMo run records them: what their injections are checked against in SQL (frequency, gap).
        await TaskRow.WriteAsync(cell.RunDir, data.Tasks);
        await using var batches = ArrowRowWriter<BatchRow>.Create(Path.Combine(cell.RunDir, "batches.arrow"), Batches);
        await using var sources = ArrowRowWriter<SourceRow>.Create(Path.Combine(cell.RunDir, "sources.arrow"), Sources);
        await using var injections = ArrowRowWriter<TaskInjectionRow>.Create(Path.Combine(cell.RunDir, DataTables.InjectionsFile), DataTables.Injections);
        using var failure = new FirstFailure();
        var clock = Stopwatch.StartNew();
        long lastStep = 0, tokens = 0;
        DataStreamCursor? cursor = null;
        try
        {
            var records = Stage.Transform<TrainingBatch, TrainingBatch>("records", b =>
            {
                batches.Append(new BatchRow(b.Step, b.After.Packer.DocumentIndex, b.Batch.BatchSize, b.Batch.SeqLen,
                    b.Injections.Count, b.Batch.Tokens.Count(t => t == eos)));
                foreach (var row in SourceRows(b.Step, b.After.Source, data.Sources)) sources.Append(row);
                return b;
            }, failure);
            var write = Stage.Sink<TrainingBatch>("write", b =>
            {
                foreach (var row in b.Injections) injections.Append(row);
                (lastStep, cursor) = (b.Step, b.After);
                tokens += b.Batch.StreamTokens;
                progress.Step(cell.RunId, b.Step, null, new DataCounts(b.After.Packer.DocumentIndex, tokens));
                return Task.CompletedTask;
            }, failure);
            records.Then(write);
            // The stream is pulled on the feed's thread: reading shards (HTTP included) blocks.
            var source = DataStream.Open(stream, baseDirectory, quality, ct: stop, tokenizer: tokenizer, reader: shards).Take((int)Math.Min(spec.Train.Steps, int.MaxValue));
            await Task.Run(() => Stage.Feed("data", source, records, failure, stop));
            await write.Completion;
            failure.ThrowIfFailed();
            // Not one batch: a pass without a single document fails naming the first bad line, as an OLMo run's does.
            if (cursor is null && !stop.IsCancellationRequested && spec.Train.Steps > 0) DataStream.RequireDocument(stream, baseDirectory, tokenizer, shards);
        }
        finally
        {
            await CompleteAll.RunAsync([batches.CompleteAsync, sources.CompleteAsync, injections.CompleteAsync,
                () => quality.WriteAsync(Path.Combine(cell.RunDir, "data_quality.arrow")),
                () => cursor is null ? Task.CompletedTask : AtomicFile.WriteTextAsync(Path.Combine(cell.RunDir, "data_cursor.json"), cursor.ToJson())]);
        }
        // A warning on stderr, as the data commands say what they skipped: stdout keeps the run's progress and results.
        if (quality.Summary("data_quality.arrow") is { } skipped) progress.Warning($"{cell.RunId}: {skipped}");
        return RunStatus.After(lastStep, spec.Train.Steps, clock.Elapsed.TotalSeconds, stop.IsCancellationRequested);
    }
}
