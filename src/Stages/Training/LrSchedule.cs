namespace Retention.Training;

/// <summary>Learning rate at a step (1-based): linear warm-up, then constant or cosine decay
/// to lr·min_ratio at the last step.</summary>
public static class LrSchedule
{
    public static double At(long step, long totalSteps, double lr, string schedule, long warmup, double minRatio)
    {
        if (warmup > 0 && step <= warmup) return lr * step / warmup;
        if (schedule == "constant") return lr;
        double progress = totalSteps <= warmup ? 1 : (double)(step - warmup) / (totalSteps - warmup);
        double cosine = 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(progress, 0, 1)));
        return lr * (minRatio + (1 - minRatio) * cosine);
    }
}
