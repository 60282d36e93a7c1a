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

    /// <summary>A short, culture-independent label: whole numbers in full, with thousands separators (124,608), other
    /// numbers with up to 4 significant digits.</summary>
    public static string Label(object? value) => value switch
    {
        null => "NULL",
        _ when IsNumeric(value) && IsWhole(ToDouble(value)) => ToDouble(value).ToString("N0", CultureInfo.InvariantCulture),
        _ when IsNumeric(value) => ToDouble(value).ToString("G4", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A whole number short enough to write in full. G4 wrote a parameter count of 124,608 as 1.246E+05: a heatmap's
    /// sizes (or steps) then read in exponent form, rounded, so `advise --size` could not be read off the plot, and two sizes
    /// within 0.05% of each other were labelled alike.</summary>
    static bool IsWhole(double d) => Math.Abs(d) < 1e15 && d == Math.Floor(d);
}
