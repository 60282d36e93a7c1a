using Retention.Artifacts;

namespace Retention.Data;

/// <summary>
/// One injected instance (injections.arrow): the batch of <paramref name="Step"/>, the row, and the
/// offset of TOK1 in that row of seq_len + 1 tokens (the segment is EOS at Offset - 1, then TOK1
/// TOK2 LABEL at Offset .. Offset + 2; LABEL's target position is Offset + 1 in the inputs).
/// Named apart from Retention.Synthetic.InjectionRow, the synthetic experiment's per-step record.
/// </summary>
public sealed record TaskInjectionRow(long Step, int Row, int Offset, string Task, int InstanceId);

public static class DataTables
{
    public const string InjectionsFile = "injections.arrow";

    public static readonly RecordBatchBuilder<TaskInjectionRow> Injections = new RecordBatchBuilder<TaskInjectionRow>()
        .Int64("step", r => r.Step).Int32("row", r => r.Row).Int32("offset", r => r.Offset)
        .Utf8("task", r => r.Task).Int32("instance_id", r => r.InstanceId);
}
