using Retention.Models;

namespace Retention.Probes;

/// <summary>A model lent to a probe for one use: disposing the lease disposes the model only when the
/// lease owns it (a model built for that use), not when it is shared by several probes (a site scan).</summary>
public sealed record ModelLease(OlmoModel Model, bool Owned) : IDisposable
{
    public void Dispose()
    {
        if (Owned) Model.Dispose();
    }
}
