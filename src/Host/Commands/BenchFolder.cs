namespace Retention.Host.Commands;

/// <summary>Where every `bench` records (&lt;--artifacts&gt;/bench/), checked before anything is measured: a file in the way
/// failed only once the figures were taken (minutes of a GPU's time), as .NET's "Could not find a part of the path", exit 1.</summary>
public static class BenchFolder
{
    public static void Check(string artifacts)
    {
        if (SweepFolder.FileInTheWay(Path.Combine(artifacts, "bench"), artifacts, "the bench records'") is { } problem)
            throw new UsageException(problem);
    }
}
