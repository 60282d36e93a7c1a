namespace Retention.Host.Commands;

/// <summary>Option values that are comma-separated lists ("16,128,512").</summary>
internal static class OptionLists
{
    /// <exception cref="UsageException">An entry is not a whole number, is below <paramref name="min"/> or repeats an
    /// earlier one (a width or seed given twice would train the same cell twice), the list is empty, or one entry of it is
    /// (4,,8 or 4,8,: a value left out, read before as 4,8); the message names <paramref name="option"/>.</exception>
    public static int[] Ints(string list, string option, int min = int.MinValue)
    {
        if (string.IsNullOrWhiteSpace(list)) throw new UsageException($"{option}: give at least one value (whole numbers separated by commas)");
        var entries = list.Split(',', StringSplitOptions.TrimEntries);
        if (Array.IndexOf(entries, "") is >= 0 and var blank)
            throw new UsageException($"{option}: entry {blank + 1} of '{list}' is empty; give whole numbers separated by commas");
        var values = new int[entries.Length];
        for (int i = 0; i < entries.Length; i++)
        {
            if (!int.TryParse(entries[i], System.Globalization.CultureInfo.InvariantCulture, out values[i]))
                throw new UsageException($"{option} takes whole numbers separated by commas, got '{list}'");
            if (values[i] < min) throw new UsageException($"{option}: each value must be ≥ {min}, got {values[i]}");
            if (Array.IndexOf(values, values[i], 0, i) >= 0) throw new UsageException($"{option}: {values[i]} is given twice, in '{list}'");
        }
        return values;
    }

    /// <exception cref="UsageException"><paramref name="value"/> is none of <paramref name="allowed"/>; the message names
    /// <paramref name="option"/> and the value likely meant, as a pipeline's unknown values and --device say them
    /// ("--mode singel: unknown mode 'singel' (did you mean 'single'?); allowed: ...").</exception>
    public static string OneOf(string value, string option, IReadOnlyList<string> allowed, string what) =>
        allowed.Contains(value) ? value : throw new UsageException($"{option} {value}: {Retention.Spec.KeySuggestions.UnknownKey(value, allowed, what)}");

    /// <exception cref="UsageException"><paramref name="value"/> names no device; the message names <paramref name="option"/>
    /// (as a pipeline's --device does: the bench commands take the device as it is, not through a spec).</exception>
    public static string Device(string value, string option = "--device") =>
        Retention.Spec.DeviceNames.IsValid(value) ? value
            : throw new UsageException($"{option} {value}: {Retention.Spec.DeviceNames.Unknown(value)}");
}
