using System.Globalization;

namespace Retention.Host.Output;

/// <summary>A DOUBLE or FLOAT as DuckDB's CSV writer spells it, so what is printed is what `--output x.csv` holds: the
/// shortest digits that read back to the same value, fixed-point with at least one decimal ("100.0", "0.0001",
/// "123456789.123") while the decimal exponent is in [-5, 15], else scientific with a signed two-digit exponent
/// ("1e-07", "1.5e+16"); "nan", "inf", "-inf".</summary>
public static class FloatText
{
    public static string Format(double value) =>
        double.IsFinite(value) ? Spell(value.ToString("R", CultureInfo.InvariantCulture)) : Special(value);

    public static string Format(float value) =>
        float.IsFinite(value) ? Spell(value.ToString("R", CultureInfo.InvariantCulture)) : Special(value);

    static string Special(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    /// <summary>Re-spells .NET's shortest round-trip text ("1E-07", "1.2345678901234568E+20", "-0") in DuckDB's layout.</summary>
    static string Spell(string shortest)
    {
        var sign = shortest.StartsWith('-') ? "-" : "";
        var text = shortest.TrimStart('-');
        int e = text.IndexOf('E');
        int exponent = e < 0 ? 0 : int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
        var mantissa = e < 0 ? text : text[..e];
        int point = mantissa.IndexOf('.');
        var digits = mantissa.Replace(".", "");
        // The value is 0.DIGITS × 10^pointAt, leading zeros dropped.
        int pointAt = (point < 0 ? mantissa.Length : point) + exponent;
        int zeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        if (digits.Length == 0) return sign + "0.0";
        pointAt -= zeros;
        int decimalExponent = pointAt - 1;

        if (decimalExponent is < -4 or >= 16)
        {
            var head = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return $"{sign}{head}e{(decimalExponent < 0 ? "-" : "+")}{Math.Abs(decimalExponent):00}";
        }
        if (pointAt <= 0) return $"{sign}0.{new string('0', -pointAt)}{digits}";
        if (pointAt >= digits.Length) return $"{sign}{digits}{new string('0', pointAt - digits.Length)}.0";
        return $"{sign}{digits[..pointAt]}.{digits[pointAt..]}";
    }
}
