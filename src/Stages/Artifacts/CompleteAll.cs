namespace Retention.Artifacts;

/// <summary>Completes several artifact writers: one failing to complete must not leave the others'
/// files invisible, so every completion runs before the first error is rethrown.</summary>
public static class CompleteAll
{
    public static async Task RunAsync(IEnumerable<Func<Task>> completions)
    {
        Exception? first = null;
        foreach (var complete in completions)
        {
            try { await complete(); }
            catch (Exception e) { first ??= e; }
        }
        if (first is not null) throw first;
    }
}
