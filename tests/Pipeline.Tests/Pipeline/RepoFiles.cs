namespace Retention.Tests.Pipeline;

/// <summary>Files of the repository (the shipped pipelines), found from the test assembly upwards.</summary>
static class RepoFiles
{
    /// <summary>The repository's pipelines/ folder.</summary>
    public static string PipelinesDirectory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
                    return Path.Combine(dir.FullName, "pipelines");
            throw new FileNotFoundException($"no Pipeline.sln above {AppContext.BaseDirectory}");
        }
    }

    public static string Pipeline(string name) => Path.Combine(PipelinesDirectory, name);
}
