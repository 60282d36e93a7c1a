using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// swept.arrow: one row per run with a typed column per swept key (its short name: width, seed,
/// hidden, preset, ...), so SQL compares and orders swept values as numbers rather than parsing
/// strings. A key's type is its field's (<see cref="SchemaOf"/>), so a query reads the same type whatever the sweep wrote.
/// </summary>
public static class SweptValues
{
    public const string File = "swept.arrow";

    /// <summary>Writes one run's row; each column takes the type <paramref name="schema"/> (the whole sweep's)
    /// gives its key, so every run's file agrees with the others and with the analysis check.</summary>
    public static async Task WriteAsync(string runDir, IReadOnlyDictionary<string, string> parameters, Schema schema)
    {
        if (parameters.Count == 0) return;
        var fields = new List<Field>();
        var arrays = new List<IArrowArray>();
        foreach (var (key, value) in parameters)
        {
            IArrowArray array = (schema.GetFieldByName(key)?.DataType ?? TypeOf(value)) switch
            {
                Int64Type => new Int64Array.Builder().Append(long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l : AsYaml<long>(value)).Build(),
                DoubleType => new DoubleArray.Builder().Append(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : AsYaml<double>(value)).Build(),
                BooleanType => new BooleanArray.Builder().Append(bool.TryParse(value, out var b) ? b : AsYaml<bool>(value)).Build(),
                _ => new StringArray.Builder().Append(value).Build(),
            };
            fields.Add(new Field(key, array.Data.DataType, false));
            arrays.Add(array);
        }
        using var batch = new RecordBatch(new Schema(fields, null), arrays, 1);
        await ArrowFiles.WriteBatchAsync(Path.Combine(runDir, File), batch);
    }

    /// <summary>A value the spec binder took as <typeparamref name="T"/> though .NET's parser does not (0x10, 1_000, .inf,
    /// a declared field's other YAML spellings): read as the binder read it.</summary>
    private static T AsYaml<T>(string value) => new YamlDotNet.Serialization.DeserializerBuilder().Build().Deserialize<T>(value);

    /// <summary>The column type a swept value of no declared field is written as.</summary>
    public static IArrowType TypeOf(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? Int64Type.Default
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? DoubleType.Default
        : bool.TryParse(value, out _) ? BooleanType.Default
        : StringType.Default;

    /// <summary>The swept table's columns, from the sweep alone (so analysis SQL over it is checked before
    /// training): each key typed by the field it sweeps (int and long BIGINT, double DOUBLE, bool BOOLEAN, string
    /// VARCHAR), so `train.lr: [1, 2]` is DOUBLE as `[0.1, 1]` is, and two sweeps of one field agree. A key without a
    /// declared field is typed by its values: all integers int64; integers and fractions, double; all true/false, bool;
    /// anything else (a text value among numbers too), text.</summary>
    public static Schema SchemaOf(IEnumerable<SweptKey> axes) => new(
        [.. axes.Select(a => new Field(a.Key, Declared(a.Declared) ?? a.Values.Select(TypeOf).Aggregate(Unify), false))], null);

    private static IArrowType? Declared(Type? type) =>
        type == typeof(int) || type == typeof(long) ? Int64Type.Default
        : type == typeof(double) || type == typeof(float) ? DoubleType.Default
        : type == typeof(bool) ? BooleanType.Default
        : type == typeof(string) ? StringType.Default
        : null;

    private static IArrowType Unify(IArrowType a, IArrowType b) =>
        a.TypeId == b.TypeId ? a
        : a is Int64Type or DoubleType && b is Int64Type or DoubleType ? DoubleType.Default
        : StringType.Default;
}
