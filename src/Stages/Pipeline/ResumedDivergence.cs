using Retention.Artifacts;
using Retention.Training;

namespace Retention.Pipeline;

/// <summary>
/// The divergence reference (train.max_loss_ratio's "first value") of a resumed OLMo run: the one its checkpoint saved, so
/// the check is the one the run would have made without the resume. Compared with the first loss after the resume instead
/// (lower, once the model trained), the check would be far stricter than for the same run unresumed.
/// </summary>
static class ResumedDivergence
{
    /// <summary>Sets <paramref name="guard"/>'s reference from the checkpoint in <paramref name="checkpointDir"/>; for a checkpoint
    /// an older version wrote (none saved), from the loss of the earliest train row the resume keeps.</summary>
    public static void Restore(DivergenceGuard guard, string checkpointDir, string trainTable, long upToStep)
    {
        if (OlmoTrainer.SavedDivergenceReference(checkpointDir) is { } saved) guard.Reference = saved;
        else if (EarliestLoss(trainTable, upToStep) is { } loss) guard.Start(loss);
    }

    /// <summary>The loss of the earliest kept row: the first step's (the reference itself) with train.log_every 1, else the
    /// first logged step's, which approximates it (a little lower, so the check is a little stricter). Null when none is kept.
    /// Called after the table's writer resumed (which checked its columns).</summary>
    static double? EarliestLoss(string trainTable, long upToStep) =>
        ArrowParts.KeptValues(trainTable, upToStep, "loss").Cast<double?>().FirstOrDefault();
}
