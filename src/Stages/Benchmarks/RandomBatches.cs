using Retention.Data;
using Retention.Training;

namespace Retention.Benchmarks;

/// <summary>Training batches of uniformly random token ids: the trainer measured and compared without a corpus.</summary>
public static class RandomBatches
{
    /// <summary>Step <paramref name="step"/>'s batch of <paramref name="rows"/> × <paramref name="rowLength"/> ids below
    /// <paramref name="vocab"/>, drawn from <paramref name="rng"/>.</summary>
    public static TrainingBatch Next(Random rng, long step, int rows, int rowLength, int vocab)
    {
        var tokens = new int[rows * rowLength];
        for (int i = 0; i < tokens.Length; i++) tokens[i] = rng.Next(vocab);
        var batch = new TokenBatch(step, rows, rowLength, tokens, PackerCursor.Start, null);
        return new TrainingBatch(batch, [], DataStreamCursor.Start with { Step = step });
    }
}
