namespace Retention.Analysis.Plots;

/// <summary>The plot keys whose column is drawn as a number, whatever its values: a line or scatter plot's y (its height;
/// x may be text, a categorical axis), a heatmap's value (the colour scale; x and y are categories), and a line or
/// scatter plot's overlays' y. Checked before training against the query's column types, as the columns are.</summary>
internal static class PlotNumberKeys
{
    static readonly IReadOnlySet<string> SeriesY = new HashSet<string> { "y" };
    static readonly IReadOnlySet<string> HeatmapValue = new HashSet<string> { "value" };
    static readonly IReadOnlySet<string> None = new HashSet<string>();

    public static IReadOnlySet<string> Of(string kind) => kind switch
    {
        "line" or "scatter" => SeriesY,
        "heatmap" => HeatmapValue,
        _ => None,   // an unknown kind is its own error
    };

    /// <summary>A heatmap places an overlay's values among its cells and leaves out what it cannot place; a line or scatter
    /// plot draws them as heights.</summary>
    public static IReadOnlySet<string> OfOverlay(string kind) => kind is "line" or "scatter" ? SeriesY : None;

    /// <summary>The column's type in words when its values are not numbers (text, a boolean, a date, ...); null when
    /// they are, or when DuckDB gives the column no type of its own (a bare NULL).</summary>
    public static string? NotANumber(QueryColumn column)
    {
        var clr = Nullable.GetUnderlyingType(column.ClrType) ?? column.ClrType;
        if (column.DuckDbType.Equals("Null", StringComparison.OrdinalIgnoreCase)) return null;
        if (IsNumeric(clr)) return null;
        return clr == typeof(string) ? $"text ({column.DuckDbType.ToUpperInvariant()})" : column.DuckDbType.ToUpperInvariant();
    }

    /// <summary>A hint after the way out, where the key has a better one than a cast.</summary>
    public static string Instead(string key, string what) =>
        key == "y" && !what.Contains("overlay", StringComparison.Ordinal) ? "; for one line or colour per text value, select it as 'series'" : "";

    static bool IsNumeric(Type t) => t == typeof(sbyte) || t == typeof(short) || t == typeof(int) || t == typeof(long) || t == typeof(byte)
        || t == typeof(ushort) || t == typeof(uint) || t == typeof(ulong) || t == typeof(float) || t == typeof(double) || t == typeof(decimal)
        || t == typeof(System.Numerics.BigInteger);
}
