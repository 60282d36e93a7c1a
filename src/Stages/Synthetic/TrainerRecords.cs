namespace Retention.Synthetic;

/// <summary>
/// One cell of a batched sweep: a run that shares the mixture and the train spec with the
/// other cells of its trainer and differs only in width and seed.
/// </summary>
public sealed record CellSpec(string RunId, int Width, int Seed);

/// <summary>
/// The tasks of one training step, per cell: Tasks[c] has one task id per batch row of cell c
/// (cells may draw different tasks, e.g. their own rare-task injections). Every cell has the
/// same number of rows.
/// </summary>
public sealed record CellBatch(long Step, int[][] Tasks)
{
    public static CellBatch Of(TaskBatch batch) => new(batch.Step, [batch.Tasks]);
}

/// <summary>
/// What one training step produced. Between logging steps TrainLoss and Metrics are null; at a
/// logging step TrainLoss[c] is cell c's mean minibatch loss since the previous logging step and
/// Metrics[c] its exact per-task metrics, in the trainer's cell order. <paramref name="EndsRun"/>: the
/// step's loss is not finite or diverged (a NonFiniteLossException or DivergedException naming the cell);
/// its loss is recorded, its metrics (of broken weights) are not, and the run ends.
/// </summary>
public sealed record StepOutcome(long Step, double Lr, double[]? TrainLoss, IReadOnlyList<TaskMetrics>? Metrics, Exception? EndsRun = null)
{
    public bool IsLog => Metrics is not null;
}

/// <summary>The training loss of a cell stopped being a number.</summary>
public sealed class NonFiniteLossException(string runId, long step, double loss)
    : Exception($"training loss is {loss} at step {step} in run '{runId}': lower train.lr or check the spec")
{
    public string RunId { get; } = runId;
}
