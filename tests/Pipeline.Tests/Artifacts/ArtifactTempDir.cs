namespace Retention.Tests.Artifacts;

/// <summary>A fresh directory under the system temp folder, deleted after the test.</summary>
public sealed class ArtifactTempDir : IDisposable
{
    public ArtifactTempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "retention-tests", Guid.NewGuid().ToString("N"));

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { /* best effort */ }
    }
}
