using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Tests.Pipeline;

/// <summary>PipelineRunner.HeaderFiles is kept by hand beside WriteHeaderAsync: `submit` snapshots those files before it
/// rewrites a taken-over run's header and puts them back if sbatch refuses, so a header file missing from the list would
/// stay rewritten. Every file the header writes must be listed.</summary>
public sealed class RunHeaderFilesTests() : InTempFolder("run-header-")
{
    [Theory]
    [InlineData("synthetic-retention.yaml")]   // a rare task: every synthetic header file
    [InlineData("synthetic-capacity.yaml")]
    [InlineData("olmo-injection-retention.yaml")]
    public async Task Every_file_a_runs_header_writes_is_one_that_submit_restores(string file)
    {
        var pipeline = SpecLoader.Load(RepoFiles.Pipeline(file), "cpu");
        var run = pipeline.Runs[0];
        var runDir = Path.Combine(dir, run.RunId);
        await PipelineRunner.WriteHeaderAsync(run, runDir, SweptValues.SchemaOf(pipeline.Swept));

        var written = Directory.GetFiles(runDir, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(runDir, f)).Order().ToList();
        Assert.NotEmpty(written);
        Assert.All(written, f => Assert.Contains(f, PipelineRunner.HeaderFiles));
        if (run.Spec.Synthetic.Rare is not null) Assert.Equal(PipelineRunner.HeaderFiles.Order(), written);   // no name listed for nothing
    }
}
