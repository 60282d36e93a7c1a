using System.Collections;
using System.Globalization;
using System.Numerics;

namespace Retention.Host.Output;

/// <summary>How query values print: culture-independent, NULL spelled out as DuckDB's CLI does.</summary>
public static class CellFormatter
{
    /// <summary>A value of <paramref name="column"/>: a TIMESTAMPTZ's, in UTC, with its offset (+00) as DuckDB writes it in UTC.</summary>
    public static string Format(object? value, Retention.Analysis.QueryColumn column) =>
        value is DateTime && column.IsTimestampTz ? Format(value) + "+00" : Format(value);

    public static string Format(object? value) => value switch
    {
        null => "NULL",
        // Every digit DuckDB writes to a CSV (not 6 significant ones): the file --output writes holds what was printed.
        double d => FloatText.Format(d),
        float f => FloatText.Format(f),
        bool b => b ? "true" : "false",
        // With the fraction of a second where there is one, as DuckDB prints a TIMESTAMP.
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        TimeSpan interval => Interval(interval),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        // A TIME with its seconds (the culture's short time drops them) and their fraction where there is one, as DuckDB prints it.
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'),
        string s => s,
        byte[] blob => Blob(blob),
        // A STRUCT or a MAP (DuckDB.NET gives both as a dictionary): key-value pairs, as DuckDB prints a struct.
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"'{Format(k)}': {Format(map[k])}")) + "}",
        IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>An INTERVAL (DuckDB.NET gives one of days and time as a TimeSpan) as DuckDB writes it: "1 day", "3 days 02:03:04",
    /// "00:00:01.5", each part with the sign ("-1 day -02:00:00").</summary>
    static string Interval(TimeSpan interval)
    {
        var sign = interval < TimeSpan.Zero ? "-" : "";
        var size = interval.Duration();
        var time = size - TimeSpan.FromDays(size.Days);
        var parts = new List<string>();
        if (size.Days != 0) parts.Add($"{sign}{size.Days} day{(size.Days == 1 ? "" : "s")}");
        if (time != TimeSpan.Zero || parts.Count == 0)
            parts.Add(sign + ((int)time.TotalHours).ToString("00", CultureInfo.InvariantCulture) + time.ToString(@"\:mm\:ss\.FFFFFF", CultureInfo.InvariantCulture).TrimEnd('.'));
        return string.Join(' ', parts);
    }

    /// <summary>A BLOB as DuckDB writes it (its CSV, its shell): printable ASCII as is, other bytes (and \, ', ") as \xNN.</summary>
    static string Blob(byte[] bytes)
    {
        var text = new System.Text.StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            if (b is >= 32 and <= 126 and not (byte)'\\' and not (byte)'\'' and not (byte)'"') text.Append((char)b);
            else text.Append(CultureInfo.InvariantCulture, $"\\x{b:X2}");
        }
        return text.ToString();
    }

    /// <summary>Numbers are right-aligned so digits line up.</summary>
    public static bool IsNumeric(Type type) =>
        type == typeof(sbyte) || type == typeof(short) || type == typeof(int) || type == typeof(long) ||
        type == typeof(byte) || type == typeof(ushort) || type == typeof(uint) || type == typeof(ulong) ||
        type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(BigInteger);
}
