namespace Retention.Artifacts;

/// <summary>An artifact file that cannot be read or loaded; the message names the file.</summary>
public sealed class ArtifactException : Exception
{
    public ArtifactException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner)
    {
        FilePath = path;
        Reason = message;
    }

    /// <summary>The offending file (or directory).</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it: the message without the path.</summary>
    public string Reason { get; }
}
