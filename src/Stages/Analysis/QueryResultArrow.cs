using System.Numerics;
using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Artifacts;

namespace Retention.Analysis;

/// <summary>Converts query results to Arrow, so analysis tables are artifacts like any other.</summary>
public static class QueryResultArrow
{
    extension(QueryResult result)
    {
        /// <summary>
        /// One record batch with a column per result column. DECIMAL becomes float64 (DuckDB types
        /// literals such as <c>0.5</c> as DECIMAL, and plots and readers want plain numbers) and
        /// HUGEINT (what <c>sum()</c> of integers returns) becomes int64.
        /// </summary>
        /// <exception cref="NotSupportedException">A column type with no Arrow counterpart here (LIST, STRUCT, INTERVAL, ...).</exception>
        /// <exception cref="OverflowException">A HUGEINT value does not fit int64; the message names the column.</exception>
        public RecordBatch ToRecordBatch()
        {
            var fields = new List<Field>();
            var arrays = new List<IArrowArray>();
            try
            {
                for (var c = 0; c < result.Columns.Count; c++)
                {
                    var column = result.Columns[c];
                    var values = result.Rows.Select(r => r[c]);
                    var array = ToArray(column, values);
                    arrays.Add(array);
                    fields.Add(new Field(column.Name, array.Data.DataType, nullable: true));
                }
                return new RecordBatch(new Schema(fields, metadata: null), arrays, result.Rows.Count);
            }
            catch
            {
                foreach (var array in arrays) array.Dispose();
                throw;
            }
        }

        /// <summary>Writes the result to <paramref name="path"/> atomically (see <see cref="ArrowTableWriter"/>).</summary>
        public async Task WriteArrowAsync(string path, CancellationToken ct = default)
        {
            using var batch = result.ToRecordBatch();
            await ArrowFiles.WriteBatchAsync(path, batch, ct).ConfigureAwait(false);
        }
    }

    private static IArrowArray ToArray(QueryColumn column, IEnumerable<object?> values)
    {
        var type = column.ClrType;
        if (type == typeof(bool))
        {
            var builder = new BooleanArray.Builder();
            foreach (var v in values)
            {
                if (v is null) builder.AppendNull(); else builder.Append((bool)v);
            }
            return builder.Build();
        }
        if (type == typeof(sbyte)) return Primitive<sbyte, Int8Array, Int8Array.Builder>(values, v => (sbyte)v);
        if (type == typeof(short)) return Primitive<short, Int16Array, Int16Array.Builder>(values, v => (short)v);
        if (type == typeof(int)) return Primitive<int, Int32Array, Int32Array.Builder>(values, v => (int)v);
        if (type == typeof(long)) return Primitive<long, Int64Array, Int64Array.Builder>(values, v => (long)v);
        if (type == typeof(byte)) return Primitive<byte, UInt8Array, UInt8Array.Builder>(values, v => (byte)v);
        if (type == typeof(ushort)) return Primitive<ushort, UInt16Array, UInt16Array.Builder>(values, v => (ushort)v);
        if (type == typeof(uint)) return Primitive<uint, UInt32Array, UInt32Array.Builder>(values, v => (uint)v);
        if (type == typeof(ulong)) return Primitive<ulong, UInt64Array, UInt64Array.Builder>(values, v => (ulong)v);
        if (type == typeof(float)) return Primitive<float, FloatArray, FloatArray.Builder>(values, v => (float)v);
        if (type == typeof(double)) return Primitive<double, DoubleArray, DoubleArray.Builder>(values, v => (double)v);
        if (type == typeof(decimal)) return Primitive<double, DoubleArray, DoubleArray.Builder>(values, v => (double)(decimal)v);
        if (type == typeof(BigInteger))
            return Primitive<long, Int64Array, Int64Array.Builder>(values, v => (BigInteger)v is var big && big >= long.MinValue && big <= long.MaxValue
                ? (long)big
                : throw new OverflowException($"column '{column.Name}' holds {big}, beyond the 64-bit integers it is written as in Arrow; " +
                    "CAST it in the SQL (to DOUBLE or VARCHAR)"));
        if (type == typeof(string) || type == typeof(Guid))
        {
            var builder = new StringArray.Builder();
            foreach (var v in values)
            {
                if (v is null) builder.AppendNull(); else builder.Append(v.ToString());
            }
            return builder.Build();
        }
        if (type == typeof(DateOnly))
        {
            var builder = new Date32Array.Builder();
            foreach (var v in values)
            {
                if (v is null) builder.AppendNull(); else builder.Append((DateOnly)v);
            }
            return builder.Build();
        }
        if (type == typeof(DateTime))
        {
            var zone = column.IsTimestampTz ? "UTC" : null;
            var builder = new TimestampArray.Builder(new TimestampType(TimeUnit.Microsecond, zone));
            foreach (var v in values)
            {
                if (v is null) builder.AppendNull();
                else builder.Append(new DateTimeOffset(DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc)));
            }
            return builder.Build();
        }
        throw new NotSupportedException(
            $"column '{column.Name}' has DuckDB type {column.DuckDbType}, which is not written to Arrow; CAST it in the SQL");
    }

    private static IArrowArray Primitive<TValue, TArray, TBuilder>(IEnumerable<object?> values, Func<object, TValue> convert)
        where TValue : struct
        where TArray : IArrowArray
        where TBuilder : PrimitiveArrayBuilder<TValue, TArray, TBuilder>, new()
    {
        var builder = new TBuilder();
        foreach (var v in values) builder.Append(v is null ? null : convert(v));
        return builder.Build(default);
    }
}
