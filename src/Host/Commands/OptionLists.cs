namespace Retention.Host.Commands;

/// <summary>Option values that are comma-separated lists ("16,128,512").</summary>
internal static class OptionLists
{
    /// <exception cref="FormatException">An entry is not a whole number.</exception>
    public static int[] Ints(string list) =>
        [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(int.Parse)];
}
