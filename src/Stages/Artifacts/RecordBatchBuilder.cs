using System.Collections.Immutable;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Retention.Artifacts;

/// <summary>
/// Declares an Arrow schema for a row record type and turns lists of rows into record batches:
/// <code>
/// new RecordBatchBuilder&lt;MetricRow&gt;()
///     .Int64("step", r =&gt; r.Step).Int32("task", r =&gt; r.Task).Float64("loss", r =&gt; r.Loss)
/// </code>
/// Immutable: each call returns a new builder, so one declaration can be shared by writers
/// on different threads. Overloads taking a nullable getter declare a nullable column.
/// </summary>
public sealed class RecordBatchBuilder<T>
{
    private sealed record Column(Field Field, Func<IReadOnlyList<T>, IArrowArray> Build);

    private readonly ImmutableArray<Column> _columns;
    private readonly Lazy<Schema> _schema;

    public RecordBatchBuilder() : this(ImmutableArray<Column>.Empty) { }

    private RecordBatchBuilder(ImmutableArray<Column> columns)
    {
        _columns = columns;
        _schema = new Lazy<Schema>(() => new Schema(_columns.Select(c => c.Field), metadata: null));
    }

    public Schema Schema => _schema.Value;

    public RecordBatchBuilder<T> Int32(string name, Func<T, int> get) =>
        Primitive<int, Int32Array, Int32Array.Builder>(name, Int32Type.Default, false, r => get(r));
    public RecordBatchBuilder<T> Int32(string name, Func<T, int?> get) =>
        Primitive<int, Int32Array, Int32Array.Builder>(name, Int32Type.Default, true, get);

    public RecordBatchBuilder<T> Int64(string name, Func<T, long> get) =>
        Primitive<long, Int64Array, Int64Array.Builder>(name, Int64Type.Default, false, r => get(r));
    public RecordBatchBuilder<T> Int64(string name, Func<T, long?> get) =>
        Primitive<long, Int64Array, Int64Array.Builder>(name, Int64Type.Default, true, get);

    public RecordBatchBuilder<T> Float32(string name, Func<T, float> get) =>
        Primitive<float, FloatArray, FloatArray.Builder>(name, FloatType.Default, false, r => get(r));
    public RecordBatchBuilder<T> Float32(string name, Func<T, float?> get) =>
        Primitive<float, FloatArray, FloatArray.Builder>(name, FloatType.Default, true, get);

    public RecordBatchBuilder<T> Float64(string name, Func<T, double> get) =>
        Primitive<double, DoubleArray, DoubleArray.Builder>(name, DoubleType.Default, false, r => get(r));
    public RecordBatchBuilder<T> Float64(string name, Func<T, double?> get) =>
        Primitive<double, DoubleArray, DoubleArray.Builder>(name, DoubleType.Default, true, get);

    public RecordBatchBuilder<T> Bool(string name, Func<T, bool> get) => Bool(name, false, r => get(r));
    public RecordBatchBuilder<T> Bool(string name, Func<T, bool?> get) => Bool(name, true, get);

    /// <summary>A string column; nullable because C# strings are.</summary>
    public RecordBatchBuilder<T> Utf8(string name, Func<T, string?> get) =>
        Add(new Field(name, StringType.Default, nullable: true), rows =>
        {
            var builder = new StringArray.Builder();
            foreach (var row in rows)
            {
                var value = get(row);
                if (value is null) builder.AppendNull(); else builder.Append(value);
            }
            return builder.Build();
        });

    /// <summary>A UTC timestamp column in microseconds (DuckDB's TIMESTAMP resolution).</summary>
    public RecordBatchBuilder<T> Timestamp(string name, Func<T, DateTimeOffset> get)
    {
        var type = new TimestampType(TimeUnit.Microsecond, TimeZoneInfo.Utc);
        return Add(new Field(name, type, nullable: false), rows =>
        {
            var builder = new TimestampArray.Builder(type).Reserve(rows.Count);
            foreach (var row in rows) builder.Append(get(row));
            return builder.Build();
        });
    }

    /// <summary>Builds one record batch holding <paramref name="rows"/>, in order. The caller disposes it.</summary>
    public RecordBatch Build(IReadOnlyList<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_columns.IsEmpty) throw new InvalidOperationException("The record batch builder declares no columns.");
        var arrays = new List<IArrowArray>(_columns.Length);
        try
        {
            foreach (var column in _columns) arrays.Add(column.Build(rows));
            return new RecordBatch(Schema, arrays, rows.Count);
        }
        catch
        {
            foreach (var array in arrays) array.Dispose();
            throw;
        }
    }

    private RecordBatchBuilder<T> Bool(string name, bool nullable, Func<T, bool?> get) =>
        Add(new Field(name, BooleanType.Default, nullable), rows =>
        {
            var builder = new BooleanArray.Builder().Reserve(rows.Count);
            foreach (var row in rows)
            {
                var value = get(row);
                if (value is { } v) builder.Append(v); else builder.AppendNull();
            }
            return builder.Build();
        });

    private RecordBatchBuilder<T> Primitive<TValue, TArray, TBuilder>(
        string name, IArrowType type, bool nullable, Func<T, TValue?> get)
        where TValue : struct
        where TArray : IArrowArray
        where TBuilder : PrimitiveArrayBuilder<TValue, TArray, TBuilder>, new() =>
        Add(new Field(name, type, nullable), rows =>
        {
            var builder = new TBuilder().Reserve(rows.Count);
            foreach (var row in rows) builder.Append(get(row));
            return builder.Build(default);
        });

    private RecordBatchBuilder<T> Add(Field field, Func<IReadOnlyList<T>, IArrowArray> build)
    {
        ArgumentException.ThrowIfNullOrEmpty(field.Name);
        if (_columns.Any(c => c.Field.Name == field.Name))
            throw new ArgumentException($"Column '{field.Name}' is declared twice.", nameof(field));
        return new RecordBatchBuilder<T>(_columns.Add(new Column(field, build)));
    }
}
