using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Every read of a training tensor's value on the host goes through here (the trainer's, and a DAS fit's), so the reads a
/// step makes can be counted (tests do): on a GPU each is a synchronisation that idles the device until the
/// queue drains, so a step reads nothing between logging steps.
/// </summary>
public static class HostReads
{
    [ThreadStatic] static long onThisThread;

    /// <summary>Reads made so far on the calling thread (what a test counts while other tests train beside it).</summary>
    public static long OnThisThread => onThisThread;

    /// <summary>The value of a one-element tensor, as a double (a host synchronisation).</summary>
    public static double Scalar(Tensor t)
    {
        onThisThread++;
        using var d = t.to(ScalarType.Float64).cpu();
        return d.item<double>();
    }
}
