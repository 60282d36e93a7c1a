using System.Globalization;
using Apache.Arrow;
using Apache.Arrow.Types;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// swept.arrow: one row per run with a typed column per swept key (its short name: width, seed,
/// hidden, preset, ...), so SQL compares and orders swept values as numbers rather than parsing
/// strings. Integers become int64, other numbers float64, true/false bool, the rest text.
/// </summary>
public static class SweptValues
{
    public const string File = "swept.arrow";

    public static async Task WriteAsync(string runDir, IReadOnlyDictionary<string, string> parameters)
    {
        if (parameters.Count == 0) return;
        var fields = new List<Field>();
        var arrays = new List<IArrowArray>();
        foreach (var (key, value) in parameters)
        {
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
                (fields, arrays) = Add(fields, arrays, new Field(key, Int64Type.Default, false), new Int64Array.Builder().Append(l).Build());
            else if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
                (fields, arrays) = Add(fields, arrays, new Field(key, DoubleType.Default, false), new DoubleArray.Builder().Append(d).Build());
            else if (bool.TryParse(value, out var b))
                (fields, arrays) = Add(fields, arrays, new Field(key, BooleanType.Default, false), new BooleanArray.Builder().Append(b).Build());
            else
                (fields, arrays) = Add(fields, arrays, new Field(key, StringType.Default, false), new StringArray.Builder().Append(value).Build());
        }
        using var batch = new RecordBatch(new Schema(fields, null), arrays, 1);
        await ArrowFiles.WriteBatchAsync(Path.Combine(runDir, File), batch);
    }

    static (List<Field>, List<IArrowArray>) Add(List<Field> fields, List<IArrowArray> arrays, Field field, IArrowArray array)
    {
        fields.Add(field);
        arrays.Add(array);
        return (fields, arrays);
    }
}
