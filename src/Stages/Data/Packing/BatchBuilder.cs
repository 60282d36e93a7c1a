using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Data;

/// <summary>Groups packed rows into batches and turns batches into (batch, seq_len) tensors.</summary>
public static class BatchBuilder
{
    /// <summary>Consecutive groups of <paramref name="batchSize"/> rows as steps firstStep, firstStep + 1, ...;
    /// a last incomplete group is dropped (the source ran out).</summary>
    public static IEnumerable<TokenBatch> Batches(IEnumerable<PackedRow> rows, int batchSize, long firstStep = 1)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        return Iterate(rows, batchSize, firstStep);
    }

    private static IEnumerable<TokenBatch> Iterate(IEnumerable<PackedRow> rows, int batchSize, long step)
    {
        int[]? tokens = null;
        int rowLength = 0, count = 0;
        foreach (var row in rows)
        {
            if (tokens is null)
            {
                rowLength = row.Tokens.Length;
                tokens = new int[batchSize * rowLength];
            }
            if (row.Tokens.Length != rowLength) throw new InvalidOperationException("Packed rows differ in length.");
            row.Tokens.CopyTo(tokens, count * rowLength);
            if (++count < batchSize) continue;
            yield return new TokenBatch(step++, batchSize, rowLength, tokens, row.After, row.SourceAfter);
            tokens = new int[batchSize * rowLength];
            count = 0;
        }
    }

    /// <summary>
    /// Inputs and targets of a batch, each (B, L) int64 with L = seq_len: inputs are each row's tokens
    /// 0..L-1, targets its tokens 1..L. The caller owns (disposes) both tensors.
    /// </summary>
    public static (Tensor Inputs, Tensor Targets) ToTensors(TokenBatch batch, Device? device = null) =>
        ToTensors(batch.Tokens, batch.BatchSize, batch.RowLength, device);

    /// <summary>The same for any row-major block of rows of <paramref name="rowLength"/> tokens (e.g. the validation rows).</summary>
    public static (Tensor Inputs, Tensor Targets) ToTensors(int[] tokens, int rows, int rowLength, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(tokens.Length, rows * rowLength);
        int seqLen = rowLength - 1;
        using var scope = NewDisposeScope();
        // One upload of the int32 rows, widened and split on the device (no wait for the device: Devices.Upload).
        var host = torch.tensor(tokens, [rows, rowLength], dtype: ScalarType.Int32);
        var ids = Retention.Training.Devices.Upload(host, device ?? CPU).to(ScalarType.Int64);
        return (ids.narrow(1, 0, seqLen).contiguous().MoveToOuterDisposeScope(), ids.narrow(1, 1, seqLen).contiguous().MoveToOuterDisposeScope());
    }
}
