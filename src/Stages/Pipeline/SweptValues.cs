using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// swept.arrow: one row per run with a typed column per swept key (its short name: width, seed,
/// hidden, preset, ...), so SQL compares and orders swept values as numbers rather than parsing
/// strings. A key's type is decided over all its values in the sweep (<see cref="SchemaOf"/>).
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
                Int64Type => new Int64Array.Builder().Append(long.Parse(value, NumberStyles.Integer, CultureInfo.InvariantCulture)).Build(),
                DoubleType => new DoubleArray.Builder().Append(double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture)).Build(),
                BooleanType => new BooleanArray.Builder().Append(bool.Parse(value)).Build(),
                _ => new StringArray.Builder().Append(value).Build(),
            };
            fields.Add(new Field(key, array.Data.DataType, false));
            arrays.Add(array);
        }
        using var batch = new RecordBatch(new Schema(fields, null), arrays, 1);
        await ArrowFiles.WriteBatchAsync(Path.Combine(runDir, File), batch);
    }

    /// <summary>The column type one swept value is written as.</summary>
    public static IArrowType TypeOf(string value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) ? Int64Type.Default
        : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? DoubleType.Default
        : bool.TryParse(value, out _) ? BooleanType.Default
        : StringType.Default;

    /// <summary>The swept table's columns, from the sweep alone (so analysis SQL over it is checked before
    /// training): a key whose values are all integers is int64; integers and fractions, double; all
    /// true/false, bool; anything else (a text value among numbers too), text.</summary>
    public static Schema SchemaOf(IEnumerable<(string Key, IReadOnlyList<string> Values)> axes) => new(
        [.. axes.Select(a => new Field(a.Key, a.Values.Select(TypeOf).Aggregate(Unify), false))], null);

    private static IArrowType Unify(IArrowType a, IArrowType b) =>
        a.TypeId == b.TypeId ? a
        : a is Int64Type or DoubleType && b is Int64Type or DoubleType ? DoubleType.Default
        : StringType.Default;
}
