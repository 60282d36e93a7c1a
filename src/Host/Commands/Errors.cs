using Retention.Analysis;
using Retention.Artifacts;
using Retention.Pipeline;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>Turns the errors a user can cause into one clear message and an exit code, no stack trace.</summary>
public static class Errors
{
    public static bool IsUserFacing(Exception e) => e is SpecException or AnalysisException or ArtifactException
        or PipelineRunException or StageException or FileNotFoundException or DirectoryNotFoundException
        or InvalidOperationException or ArgumentException;

    public static int Report(Exception e)
    {
        Console.Error.WriteLine(e switch
        {
            SpecException s => string.Join(Environment.NewLine, s.Errors.Select(x => $"error: {x}")),
            _ => $"error: {e.Message}",
        });
        return e is SpecException ? 2 : 1;
    }
}
