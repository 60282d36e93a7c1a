namespace Retention.Training;

/// <summary>What a --resume says of a run an earlier attempt trained that has no checkpoint to continue from (OLMo and
/// synthetic alike). Whether it trained before is <see cref="Artifacts.ArrowParts.Written"/> of its train table.</summary>
public static class ResumeFromZero
{
    /// <summary>The line for <paramref name="who"/> (a run, or a group's first run and how many more) and why.</summary>
    public static string Line(string who, string why) => $"{who}: no checkpoint to resume from; training from step 0 ({why})";

    /// <summary>The line for an experiment: data run, which trains nothing (so not "training from step 0") and saves no
    /// checkpoint: its batches are made again from the first.</summary>
    public static string DataLine(string who) =>
        $"{who}: no checkpoint to resume from; producing its batches again from the first (experiment: data saves none; " +
        "its tables come out equal to an uninterrupted run's)";

    /// <summary>Why none was saved: <paramref name="saves"/> says which checkpoints the run has besides the one a signal
    /// saves (a kill and a failure save none), e.g. "a synthetic group saves one only".</summary>
    public static string NoneSaved(string saves) =>
        $"none was saved: {saves} when stopped by a signal (Ctrl+C, SIGTERM, SIGUSR1) and let wind down, not when killed, " +
        "stopped at once (a second Ctrl+C, or the end of the grace period) or failing";

}
