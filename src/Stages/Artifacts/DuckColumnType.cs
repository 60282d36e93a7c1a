using Apache.Arrow.Types;

namespace Retention.Artifacts;

/// <summary>The DuckDB column types Arrow artifacts are loaded as.</summary>
internal enum DuckColumnType
{
    TinyInt, SmallInt, Integer, BigInt, UTinyInt, USmallInt, UInteger, UBigInt,
    Float, Double, Varchar, Boolean, Timestamp, TimestampTz, Date,
}

internal static class DuckColumnTypes
{
    /// <summary>The DuckDB type for an Arrow type, or null when artifacts do not support it.</summary>
    public static DuckColumnType? FromArrow(IArrowType type) => type.TypeId switch
    {
        ArrowTypeId.Int8 => DuckColumnType.TinyInt,
        ArrowTypeId.Int16 => DuckColumnType.SmallInt,
        ArrowTypeId.Int32 => DuckColumnType.Integer,
        ArrowTypeId.Int64 => DuckColumnType.BigInt,
        ArrowTypeId.UInt8 => DuckColumnType.UTinyInt,
        ArrowTypeId.UInt16 => DuckColumnType.USmallInt,
        ArrowTypeId.UInt32 => DuckColumnType.UInteger,
        ArrowTypeId.UInt64 => DuckColumnType.UBigInt,
        ArrowTypeId.HalfFloat or ArrowTypeId.Float => DuckColumnType.Float,
        ArrowTypeId.Double => DuckColumnType.Double,
        ArrowTypeId.String or ArrowTypeId.LargeString => DuckColumnType.Varchar,
        ArrowTypeId.Boolean => DuckColumnType.Boolean,
        ArrowTypeId.Timestamp => string.IsNullOrEmpty(((TimestampType)type).Timezone)
            ? DuckColumnType.Timestamp
            : DuckColumnType.TimestampTz,
        ArrowTypeId.Date32 or ArrowTypeId.Date64 => DuckColumnType.Date,
        _ => null,
    };

    /// <summary>The type DuckDB names <paramref name="sql"/> (information_schema's data_type); VARCHAR when unknown.</summary>
    public static DuckColumnType FromSql(string sql) =>
        Enum.GetValues<DuckColumnType>().Where(t => t.Sql().Equals(sql, StringComparison.OrdinalIgnoreCase)).DefaultIfEmpty(DuckColumnType.Varchar).First();

    public static string Sql(this DuckColumnType type) => type switch
    {
        DuckColumnType.TinyInt => "TINYINT",
        DuckColumnType.SmallInt => "SMALLINT",
        DuckColumnType.Integer => "INTEGER",
        DuckColumnType.BigInt => "BIGINT",
        DuckColumnType.UTinyInt => "UTINYINT",
        DuckColumnType.USmallInt => "USMALLINT",
        DuckColumnType.UInteger => "UINTEGER",
        DuckColumnType.UBigInt => "UBIGINT",
        DuckColumnType.Float => "FLOAT",
        DuckColumnType.Double => "DOUBLE",
        DuckColumnType.Varchar => "VARCHAR",
        DuckColumnType.Boolean => "BOOLEAN",
        DuckColumnType.Timestamp => "TIMESTAMP",
        DuckColumnType.TimestampTz => "TIMESTAMPTZ",
        DuckColumnType.Date => "DATE",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>
    /// The type of a column that has type <paramref name="a"/> in one run and <paramref name="b"/>
    /// in another (a run written by an older version, say): integers widen to BIGINT, numbers
    /// mixed with floats to DOUBLE; anything else has no common type (null).
    /// </summary>
    public static DuckColumnType? Unify(DuckColumnType a, DuckColumnType b)
    {
        if (a == b) return a;
        if (IsInteger(a) && IsInteger(b)) return DuckColumnType.BigInt;
        if (IsNumeric(a) && IsNumeric(b)) return DuckColumnType.Double;
        return null;
    }

    private static bool IsInteger(DuckColumnType t) => t <= DuckColumnType.UBigInt;

    private static bool IsNumeric(DuckColumnType t) => t <= DuckColumnType.Double;
}
