using Apache.Arrow;
using DuckDB.NET.Data;
using DuckDB.NET.Native;

namespace Retention.Artifacts;

/// <summary>Appends one cell of an Arrow column (row <c>index</c>) to a DuckDB appender row.</summary>
internal delegate void CellWriter(IDuckDBAppenderRow row, int index);

/// <remarks>
/// DuckDB.NET's appender copies the bytes of the .NET value it is given without checking them
/// against the column type (an <c>int</c> appended to a BIGINT column corrupts the row; seen
/// with DuckDB.NET 1.5.6.1), so every writer here calls the <c>AppendValue</c> overload whose
/// .NET type is exactly the column's: TINYINT→sbyte, INTEGER→int, BIGINT→long, FLOAT→float, ...
/// </remarks>
internal static class ArrowColumnAppender
{
    /// <summary>A writer that converts <paramref name="source"/> cells to the <paramref name="target"/> column type.</summary>
    /// <exception cref="InvalidOperationException">The source array cannot be stored in the target type.</exception>
    public static CellWriter For(DuckColumnType target, IArrowArray source) => target switch
    {
        DuckColumnType.TinyInt when source is Int8Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.SmallInt when source is Int16Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.Integer when source is Int32Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.UTinyInt when source is UInt8Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.USmallInt when source is UInt16Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.UInteger when source is UInt32Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.UBigInt when source is UInt64Array a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.BigInt => AsInt64(source) is { } get ? (r, i) => r.AppendValue(get(i)) : Mismatch(target, source),
        DuckColumnType.Float when source is FloatArray a => (r, i) => r.AppendValue(a.GetValue(i)),
        DuckColumnType.Float when source is HalfFloatArray a => (r, i) => r.AppendValue((float?)a.GetValue(i)),
        DuckColumnType.Double => AsDouble(source) is { } get ? (r, i) => r.AppendValue(get(i)) : Mismatch(target, source),
        DuckColumnType.Varchar when source is StringArray a => (r, i) => r.AppendValue(a.IsNull(i) ? null : a.GetString(i)),
        DuckColumnType.Varchar when source is LargeStringArray a => (r, i) => r.AppendValue(a.IsNull(i) ? null : a.GetString(i)),
        DuckColumnType.Boolean when source is BooleanArray a => (r, i) => r.AppendValue(a.GetValue(i)),
        // Arrow timestamps without a zone are wall-clock values; GetTimestamp reads them as UTC.
        DuckColumnType.Timestamp when source is TimestampArray a => (r, i) => r.AppendValue(a.GetTimestamp(i)?.UtcDateTime),
        DuckColumnType.TimestampTz when source is TimestampArray a => (r, i) => r.AppendValue(a.GetTimestamp(i)),
        DuckColumnType.Date when source is Date32Array a => (r, i) => r.AppendValue(ToDuckDate(a.GetDateOnly(i))),
        DuckColumnType.Date when source is Date64Array a => (r, i) => r.AppendValue(ToDuckDate(a.GetDateOnly(i))),
        _ => Mismatch(target, source),
    };

    /// <summary>Fills the column with one value (the run id) or NULL, for files that lack the column.</summary>
    public static CellWriter Constant(string? value) =>
        value is null ? (r, _) => r.AppendNullValue() : (r, _) => r.AppendValue(value);

    private static Func<int, long?>? AsInt64(IArrowArray source) => source switch
    {
        Int8Array a => i => a.GetValue(i),
        Int16Array a => i => a.GetValue(i),
        Int32Array a => i => a.GetValue(i),
        Int64Array a => a.GetValue,
        UInt8Array a => i => a.GetValue(i),
        UInt16Array a => i => a.GetValue(i),
        UInt32Array a => i => a.GetValue(i),
        UInt64Array a => i => a.GetValue(i) is { } v ? checked((long)v) : null,
        _ => null,
    };

    private static Func<int, double?>? AsDouble(IArrowArray source) => source switch
    {
        FloatArray a => i => a.GetValue(i),
        DoubleArray a => a.GetValue,
        HalfFloatArray a => i => (double?)a.GetValue(i),
        UInt64Array a => i => a.GetValue(i),
        _ => AsInt64(source) is { } get ? i => get(i) : null,
    };

    private static DuckDBDateOnly? ToDuckDate(DateOnly? date) =>
        date is { } d ? DuckDBDateOnly.FromDateOnly(d) : null;

    private static CellWriter Mismatch(DuckColumnType target, IArrowArray source) =>
        throw new InvalidOperationException(
            $"an Arrow {source.Data.DataType.Name} column cannot be loaded as {target.Sql()}");
}
