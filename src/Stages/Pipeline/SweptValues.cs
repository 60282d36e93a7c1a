using System.Globalization;
using Apache.Arrow;
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
            IArrowArray array =
                long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? new Int64Array.Builder().Append(l).Build()
                : double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? new DoubleArray.Builder().Append(d).Build()
                : bool.TryParse(value, out var b) ? new BooleanArray.Builder().Append(b).Build()
                : new StringArray.Builder().Append(value).Build();
            fields.Add(new Field(key, array.Data.DataType, false));
            arrays.Add(array);
        }
        using var batch = new RecordBatch(new Schema(fields, null), arrays, 1);
        await ArrowFiles.WriteBatchAsync(Path.Combine(runDir, File), batch);
    }
}
