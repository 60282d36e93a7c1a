namespace Retention.Spec;

/// <summary>Dotted spec paths as the flattened specs spell them: train.lr, data.tasks[1].frequency.</summary>
public static class SpecPaths
{
    /// <summary>Whether <paramref name="key"/> is <paramref name="path"/> or a key or list item under it (analysis.tables[0].sql
    /// is under analysis; train.lr_schedule is not under train.lr).</summary>
    public static bool IsAtOrUnder(string key, string path) =>
        key == path || key.StartsWith(path + ".", StringComparison.Ordinal) || key.StartsWith(path + "[", StringComparison.Ordinal);
}
