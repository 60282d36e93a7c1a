using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>Where `pipeline advise FILE` writes by default: artifacts/advice/NAME[-PROFILE] under the current folder, as
/// `run` names the sweep. A sweep's stored pipeline.yaml has its profile applied and no longer names it, so its advice went
/// to artifacts/advice/NAME, beside (or over) the advice of the file without a profile; it is named as the sweep is.</summary>
static class AdviceFolder
{
    public static string Of(string file, LoadedPipeline pipeline)
    {
        var root = Path.Combine("artifacts", "advice");
        var folder = Path.GetDirectoryName(Path.GetFullPath(file))!;
        return pipeline.Profile is null && IsSweepsOwn(file, folder)
            ? Path.Combine(root, Path.GetFileName(folder))
            : Retention.Pipeline.PipelineRunner.SweepDir(pipeline, root);
    }

    /// <summary>The file is a sweep's stored copy: pipeline.yaml beside the sweep's runs/.</summary>
    static bool IsSweepsOwn(string file, string folder) =>
        Path.GetFileName(file) == ArtifactLayout.PipelineFile && ArtifactLayout.KindOf(folder) == ArtifactLayout.Kind.Sweep;
}
