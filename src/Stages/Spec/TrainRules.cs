using static Retention.Spec.RuleText;

namespace Retention.Spec;

/// <summary>Rules on the train section: steps, optimizer, learning-rate schedule and the loss guard.</summary>
internal static class TrainRules
{
    private static readonly string[] Optimizers = ["adam"];
    private static readonly string[] Schedules = ["constant", "cosine"];

    public static void Check(SpecChecks c, TrainSpec t)
    {
        if (c.AtLeast(t.Steps, 1, "train.steps"))
            c.Check(t.Steps <= SpecValidator.MaxSteps, "train.steps", $"must be at most {SpecValidator.MaxSteps:N0}, got {t.Steps:N0}");
        c.AtLeast(t.BatchSize, 1, "train.batch_size");
        c.OneOf(t.Optimizer, Optimizers, "train.optimizer", "optimizer");
        if (c.Positive(t.Lr, "train.lr"))
            c.Check(t.Lr <= float.MaxValue, "train.lr", $"must be at most {float.MaxValue:G3} (training computes in float32), got {Show(t.Lr)}");
        c.OneOf(t.LrSchedule, Schedules, "train.lr_schedule", "lr_schedule");
        c.Check(t.MinLrRatio is >= 0 and <= 1, "train.min_lr_ratio", $"must be between 0 and 1, got {Show(t.MinLrRatio)}");
        if (c.AtLeast(t.WarmupSteps, 0, "train.warmup_steps") && t.Steps >= 1)
            c.Check(t.WarmupSteps < t.Steps, "train.warmup_steps",
                $"must be less than train.steps ({t.Steps}), got {t.WarmupSteps}");
        c.AtLeast(t.LogEvery, 1, "train.log_every");
        c.NonNegative(t.InitScale, "train.init_scale");   // 0 as well, in stored files: see InitScale
        c.Check(t.MaxLossRatio == 0 || double.IsFinite(t.MaxLossRatio) && t.MaxLossRatio > 1, "train.max_loss_ratio",
            $"must be 0 (off) or a finite number > 1, got {Show(t.MaxLossRatio)}");
    }

    /// <summary>A synthetic student starts with all-zero weights at init_scale 0, where the encoder's gradient is the
    /// decoders' times the input and the decoders' the encoder's: both zero, so Adam never moves it and every step logs
    /// the same loss. Not asked of stored files: earlier versions accepted 0.</summary>
    public static void InitScale(SpecChecks c, PipelineSpec spec)
    {
        c.Check(spec.Experiment != "synthetic" || spec.Train.InitScale != 0, "train.init_scale",
            "must be > 0: with all initial weights 0 every gradient is 0 and the model never trains " +
            "(the encoder's gradient is a product with the decoders, theirs with the encoder); the default is 0.1");
    }
}
