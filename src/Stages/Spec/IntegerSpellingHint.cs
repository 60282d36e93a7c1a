using System.Globalization;
using System.Numerics;
using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>`steps: 1e5` is how a step count is said aloud and in papers, but an integer field reads only digits: the binder
/// sees a float where an integer belongs. The hint says so and gives the digits to write.</summary>
internal static class IntegerSpellingHint
{
    /// <summary>"; integers are written in digits: write 100000 ('1e5' reads as a float)", the same without the digits where the
    /// value has a fraction, the field's range where it is a whole number past it, or "" where <paramref name="value"/> is not a
    /// float written for an integer field.</summary>
    public static string For(YamlNode value, Type? type)
    {
        var t = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if ((t != typeof(int) && t != typeof(long)) || value is not YamlScalarNode { Value: { } text }
            || text.IndexOfAny(['.', 'e', 'E']) < 0
            || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            return "";
        if (number != Math.Floor(number))
            return $"; integers are written in digits, with no fraction or exponent ('{text}' reads as a float)";
        // The digits of a value past the range were refused next, at the range: said now, at once. Exact: 2^63 is a double, long.MaxValue not.
        var whole = new BigInteger(number);
        var (min, max) = t == typeof(int) ? ((BigInteger)int.MinValue, (BigInteger)int.MaxValue) : (long.MinValue, long.MaxValue);
        if (whole > max) return $"; integers are written in digits, but '{text}' is beyond this field's largest value {max}";
        if (whole < min) return $"; integers are written in digits, but '{text}' is below this field's smallest value {min}";
        return $"; integers are written in digits: write {whole} ('{text}' reads as a float)";
    }
}
