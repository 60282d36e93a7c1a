namespace Retention.Host.Output;

/// <summary>
/// Steps per second of a group, timed from its first reported step rather than from its start: the
/// time before step 1 (building the model, opening the data, a resume's checkpoint load) is not the
/// training's pace, and counted in it made the first ETAs hours too long. Unknown (null) until a
/// second step has been seen.
/// </summary>
public sealed class StepRate
{
    long? firstStep;
    TimeSpan firstAt;

    /// <summary>Records <paramref name="step"/> reached at <paramref name="elapsed"/>; returns the rate since the first step seen.</summary>
    public double? Observe(long step, TimeSpan elapsed)
    {
        lock (this)
        {
            if (firstStep is not { } first) { (firstStep, firstAt) = (step, elapsed); return null; }
            var seconds = (elapsed - firstAt).TotalSeconds;
            return step > first && seconds > 0 ? (step - first) / seconds : null;
        }
    }

    /// <summary>The time left at <paramref name="rate"/> steps/s, as hh:mm:ss (days counted in hours), or "--:--:--" while unknown.</summary>
    public static string Eta(long step, long total, double? rate)
    {
        if (rate is not > 0) return "--:--:--";
        var left = TimeSpan.FromSeconds(Math.Max(0, total - step) / rate.Value);
        return $"{(int)left.TotalHours:00}:{left.Minutes:00}:{left.Seconds:00}";
    }

    /// <summary>The rate for a progress line: "N steps/s" (two significant figures below 10, so a 1B model's
    /// 0.35 steps/s does not print as 0), or "- steps/s" while unknown.</summary>
    public static string Text(double? rate) => rate switch
    {
        null => "- steps/s",
        >= 10 => $"{rate:F0} steps/s",
        _ => $"{rate.Value.ToString("G2", System.Globalization.CultureInfo.InvariantCulture)} steps/s",
    };
}
