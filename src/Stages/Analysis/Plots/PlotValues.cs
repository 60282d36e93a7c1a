using System.Globalization;
using System.Numerics;

namespace Retention.Analysis.Plots;

/// <summary>Turns the .NET values DuckDB returns into plot coordinates and labels.</summary>
internal static class PlotValues
{
    public static bool IsNumeric(object? value) => value is sbyte or short or int or long or byte or ushort
        or uint or ulong or float or double or decimal or BigInteger;

    /// <summary>The value as a double; NaN for NULL.</summary>
    /// <exception cref="FormatException">The value is not a number.</exception>
    public static double ToDouble(object? value) => value switch
    {
        null => double.NaN,
        BigInteger b => (double)b,
        _ when IsNumeric(value) => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => throw new FormatException($"'{value}' ({value.GetType().Name}) is not a number"),
    };

    /// <summary>A short, culture-independent label: numbers with up to 4 significant digits.</summary>
    public static string Label(object? value) => value switch
    {
        null => "NULL",
        _ when IsNumeric(value) => ToDouble(value).ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
