using TorchSharp;

namespace Retention.Tests.Torch;

/// <summary>
/// Counts the tensors an action creates outside any dispose scope (on this thread). Such a
/// temporary wrapper can be finalized by the collector while LibTorch still reads it, which
/// segfaulted two OLMo runs trained side by side (docs/notes.md); code on a training step should
/// create none.
/// </summary>
static class TensorScopes
{
    public static long CreatedOutside(Action action)
    {
        var stats = DisposeScopeManager.Statistics;
        long before = stats.CreatedOutsideScopeCount;
        action();
        return stats.CreatedOutsideScopeCount - before;
    }
}
