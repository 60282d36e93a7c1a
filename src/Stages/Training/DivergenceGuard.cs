namespace Retention.Training;

/// <summary>A run whose loss blew up: the step, the loss, the reference it is compared with, and the key to change.</summary>
public sealed class DivergedException(string runId, long step, double loss, double first, double maxRatio)
    : Exception($"training loss {loss:G4} at step {step} in run '{runId}' is more than {maxRatio:G4}× its first value {first:G4}: " +
                "the run diverged; lower train.lr (or raise train.max_loss_ratio; 0 turns this check off)")
{
    public string RunId { get; } = runId;
}

/// <summary>
/// Stops a diverging run instead of letting it train on for hours at loss 1e28: the loss of the
/// first step is the reference (<see cref="Start"/>), and a later one above <paramref name="maxRatio"/>
/// times it (or a non-finite one, checked by the trainers) ends the run. The trainers check logged
/// losses, which are means over every step since the last log, so a blow-up at any step shows in
/// them without a host round trip per step.
/// </summary>
public sealed class DivergenceGuard(string runId, double maxRatio)
{
    double? first;

    /// <summary>The reference loss, once set (saved with a checkpoint, so a resumed run keeps it).</summary>
    public double? Reference
    {
        get => first;
        set => first = value;
    }

    /// <summary>Sets the reference: the loss of the run's first step, before training moved the weights far.</summary>
    public void Start(double loss)
    {
        if (double.IsFinite(loss)) first ??= Math.Max(Math.Abs(loss), double.Epsilon);
    }

    /// <summary>Checks a logged <paramref name="loss"/> against the reference (the first one seen, without <see cref="Start"/>):
    /// the error that ends the run when it diverged, else null. Returned, not thrown, so the step's rows are still written.</summary>
    public DivergedException? Check(long step, double loss)
    {
        if (maxRatio <= 0 || !double.IsFinite(loss)) return null;
        first ??= Math.Max(Math.Abs(loss), double.Epsilon);
        return loss > maxRatio * first.Value ? new DivergedException(runId, step, loss, first.Value, maxRatio) : null;
    }
}
