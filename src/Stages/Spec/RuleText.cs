using System.Globalization;

namespace Retention.Spec;

/// <summary>Values and exceptions as the validator's messages quote them.</summary>
internal static class RuleText
{
    /// <summary>A number as YAML spells it, so the message quotes what the user wrote.</summary>
    public static string Show(double value) => value switch
    {
        double.PositiveInfinity => ".inf",
        double.NegativeInfinity => "-.inf",
        _ when double.IsNaN(value) => ".nan",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    /// <summary>An exception's message as a sentence of the messages' style (no trailing period, lower case start).</summary>
    public static string Sentence(Exception e)
    {
        var m = e.Message.TrimEnd('.');
        var cut = m.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) m = m[..cut];
        return m.Length > 0 ? char.ToLowerInvariant(m[0]) + m[1..] : m;
    }
}
