namespace Retention.Tests;

/// <summary>A test class with a temporary folder of its own (<see cref="dir"/>), removed after each test.</summary>
public abstract class InTempFolder(string prefix) : IDisposable
{
    protected readonly string dir = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        Directory.Delete(dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
