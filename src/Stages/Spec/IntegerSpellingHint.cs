using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>`steps: 1e5` is how a step count is said aloud and in papers, but an integer field reads only digits: the binder
/// sees a float where an integer belongs. The hint says so and gives the digits to write.</summary>
internal static class IntegerSpellingHint
{
    /// <summary>"; integers are written in digits: write 100000 ('1e5' reads as a float)", the same without the digits where the
    /// value has a fraction or is past the field's range, or "" where <paramref name="value"/> is not a float written for an
    /// integer field.</summary>
    public static string For(YamlNode value, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if ((t != typeof(int) && t != typeof(long)) || value is not YamlScalarNode { Value: { } text }
            || text.IndexOfAny(['.', 'e', 'E']) < 0
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            return "";
        var fits = t == typeof(int) ? number is >= int.MinValue and <= int.MaxValue : Math.Abs(number) < 9e18;
        return number == Math.Floor(number) && fits
            ? $"; integers are written in digits: write {(long)number} ('{text}' reads as a float)"
            : $"; integers are written in digits, with no fraction or exponent ('{text}' reads as a float)";
    }
}
