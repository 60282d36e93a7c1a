using Retention.Artifacts;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Analysis;

/// <summary>
/// A small sweep on disk: runs w8 and w16 (width 8, 16), each with 3 tasks logged at steps 0 and
/// 100. Final loss of task k (1-based) is k / width, so with "learned" meaning loss &lt; 0.2,
/// width 8 learns task 1 (0.125) and width 16 learns tasks 1..3 (0.0625, 0.125, 0.1875).
/// </summary>
internal static class AnalysisSweepFixture
{
    private sealed record Metric(long Step, int Task, double Loss);
    private sealed record Params(int Width, int Seed);

    public static async Task<ArtifactTempDir> CreateAsync()
    {
        var dir = new ArtifactTempDir();
        var metrics = new RecordBatchBuilder<Metric>()
            .Int64("step", r => r.Step).Int32("task", r => r.Task).Float64("loss", r => r.Loss);
        var parameters = new RecordBatchBuilder<Params>().Int32("width", r => r.Width).Int32("seed", r => r.Seed);
        foreach (var width in new[] { 8, 16 })
        {
            var run = $"w{width}";
            await File.WriteAllTextAsync(Directory.CreateDirectory(dir.File("runs", run)).FullName + "/run.yaml", "name: test\n");
            await ArrowFiles.WriteTableAsync(dir.File("runs", run, "params.arrow"), parameters, [new Params(width, 0)]);
            var rows = Enumerable.Range(1, 3).SelectMany(k => new[]
            {
                new Metric(0, k, 1.0),
                new Metric(100, k, k / (double)width),
            }).ToList();
            await ArrowFiles.WriteTableAsync(dir.File("runs", run, "metrics.arrow"), metrics, rows);
        }
        return dir;
    }
}
