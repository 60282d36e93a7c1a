using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Retention.Tests.Host;

/// <summary>An Arrow file's rows as column-name → value maps (strings, ints, doubles), for asserting on records.</summary>
static class ArrowRows
{
    public static List<Dictionary<string, object?>> Read(string path)
    {
        using var reader = new ArrowFileReader(File.OpenRead(path));
        var rows = new List<Dictionary<string, object?>>();
        while (reader.ReadNextRecordBatch() is { } batch)
            using (batch)
                for (int i = 0; i < batch.Length; i++)
                    rows.Add(batch.Schema.FieldsList.Select((f, c) => (f.Name, Value: Value(batch.Column(c), i))).ToDictionary(x => x.Name, x => x.Value));
        return rows;
    }

    static object? Value(IArrowArray a, int i) => a switch
    {
        StringArray s => s.GetString(i),
        Int32Array n => n.GetValue(i),
        Int64Array n => n.GetValue(i),
        DoubleArray d => d.GetValue(i),
        BooleanArray b => b.GetValue(i),
        _ => throw new NotSupportedException(a.GetType().Name),
    };
}
