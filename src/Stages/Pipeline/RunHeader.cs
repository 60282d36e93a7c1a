using Apache.Arrow;
using Retention.Artifacts;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>What a run's folder holds before it trains: run.yaml and its swept values, and for a synthetic run its
/// params and theory tables (the files of <see cref="Files"/>).</summary>
public static class RunHeader
{
    /// <param name="device">The device the run trains on (provenance.json's: `auto` resolved to what it picks), which
    /// params.arrow records beside the device: setting; null before it has one (the setting stands in until it trains).</param>
    public static Task WriteAsync(RunPlan run, string runDir, Schema swept, string? device = null) =>
        run.Spec.Experiment == "synthetic" ? WriteSyntheticAsync(run, runDir, swept, device ?? run.Spec.Device) : WriteRunYamlAsync(run, runDir, swept);

    /// <summary>The files <see cref="WriteAsync"/> writes (those of an OLMo run are the first two); RunHeaderFilesTests
    /// checks that none is missing.</summary>
    public static readonly IReadOnlyList<string> Files = [ArtifactLayout.RunManifest, SweptValues.File, "params.arrow", "theory.arrow", "utilities.arrow", "rare.arrow"];

    static async Task WriteRunYamlAsync(RunPlan run, string runDir, Schema swept)
    {
        Directory.CreateDirectory(runDir);
        await AtomicFile.WriteTextAsync(Path.Combine(runDir, ArtifactLayout.RunManifest), run.ResolvedYaml);
        await SweptValues.WriteAsync(runDir, run.Parameters, swept);
    }

    static async Task WriteSyntheticAsync(RunPlan run, string runDir, Schema swept, string device)
    {
        await WriteRunYamlAsync(run, runDir, swept);
        var spec = run.Spec;
        var mixture = TaskMixture.From(spec.Synthetic, spec.Seed);
        var sweep = string.Join(",", run.Parameters.Select(p => $"{p.Key}={p.Value}"));
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "params.arrow"), SyntheticTables.Params,
            [new ParamsRow(sweep, spec.Synthetic.Width, spec.Seed, spec.Synthetic.Tasks, spec.Synthetic.DimsPerTask,
                spec.Train.Steps, spec.Train.BatchSize, spec.Train.Lr, device, spec.Device)]);
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "theory.arrow"), SyntheticTables.Theory,
            SyntheticRecords.Theory(mixture, spec.Synthetic.Width));
        await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "utilities.arrow"), SyntheticTables.Utilities,
            SyntheticRecords.Utilities(mixture));
        if (spec.Synthetic.Rare is { } rare)
            await ArrowFiles.WriteTableAsync(Path.Combine(runDir, "rare.arrow"), SyntheticTables.Rare,
                [SyntheticRecords.Rare(mixture, rare)]);
    }
}
