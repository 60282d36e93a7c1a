using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// A 60-step, 2-layer OLMo run with DAS at (1, tok1) and the Fourier readout at (1, tok2), probed during training at steps 30
/// and 60, trained once for the tests of the <c>probed-run</c> collection (the probe command's tests): each trained its own,
/// the same run, and the trainings were most of their time. The tests move, overwrite and add scans to a run's files, so each
/// probes its own copy (<see cref="CopyTo"/>); this one stays as trained.
/// </summary>
public sealed class ProbedRun : IDisposable
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    readonly string folder = Directory.CreateTempSubdirectory("probed-run-").FullName;

    readonly Lazy<(string Out, string Err)> log;

    /// <summary>What the training run printed (stdout and stderr).</summary>
    public string Log => log.Value.Out + log.Value.Err;

    /// <summary>What the training run printed on stdout alone (its progress and results).</summary>
    public string Out => log.Value.Out;

    /// <summary>What the training run printed on stderr alone (its notes and warnings).</summary>
    public string Err => log.Value.Err;

    /// <summary>Trained at its first use, so that a test of the collection that trains a run of its own, run alone, does not wait
    /// for this one too.</summary>
    public ProbedRun() => log = new(Train);

    (string Out, string Err) Train()
    {
        TinyCorpus.WriteShard(folder);
        File.WriteAllText(Path.Combine(folder, "olmo.yaml"), string.Join('\n', [
            .. TinyCorpus.SmallOlmoSweep("{seed: [0]}"),
            "probes: {every: 30, das: {layer: 1, position: tok1, steps: 20, train_pairs: 200, test_pairs: 100}, fourier: {layer: 1, position: tok2}}",
        ]) + "\n");
        var run = CliProcess.Run(folder, Limit, "run", "olmo.yaml", "--set", "train.steps=60", "--artifacts", "a", "--no-analysis");
        if (run.Exit != 0) throw new InvalidOperationException($"the probed run did not train (exit {run.Exit}):\n{run.Err}{run.Out}");
        return (run.Out, run.Err);
    }

    /// <summary>Copies the project (olmo.yaml, shards/ and the sweep a/olmo) into <paramref name="dir"/>; returns the copy's run
    /// directory, a/olmo/runs/RUN.</summary>
    public string CopyTo(string dir)
    {
        _ = Log;
        foreach (var sub in Directory.GetDirectories(folder, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(dir, Path.GetRelativePath(folder, sub)));
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(dir, Path.GetRelativePath(folder, file)));
        return Directory.GetDirectories(Path.Combine(dir, "a", "olmo", "runs")).Single();
    }

    public void Dispose()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* a temporary folder left behind harms nothing */ }
    }
}

[CollectionDefinition("probed-run")]
public sealed class ProbedRunCollection : ICollectionFixture<ProbedRun>;
