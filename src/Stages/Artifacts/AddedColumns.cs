using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;

namespace Retention.Artifacts;

/// <summary>
/// A table that gained columns since an older version wrote some of its rows: when the new columns come last
/// and are nullable, the older rows are continued with NULL there (the value was not measured), so a resumed
/// run keeps them instead of being refused (das.arrow's base_accuracy). Any other difference is refused as before.
/// </summary>
public static class AddedColumns
{
    /// <summary>The columns <paramref name="schema"/> adds after all of <paramref name="written"/>'s, when every
    /// one of them can be filled with NULL; null when the written columns are not such a prefix.</summary>
    public static IReadOnlyList<Field>? Of(Schema written, Schema schema)
    {
        int n = written.FieldsList.Count;
        if (n > schema.FieldsList.Count) return null;
        for (int i = 0; i < n; i++)
            if (written.FieldsList[i].Name != schema.FieldsList[i].Name || written.FieldsList[i].DataType.Name != schema.FieldsList[i].DataType.Name)
                return null;
        var added = schema.FieldsList.Skip(n).ToList();
        return added.All(f => f.IsNullable && Nulls(f.DataType, 0) is not null) ? added : null;
    }

    /// <summary>Rewrites <paramref name="file"/> with <paramref name="schema"/>'s added columns filled with NULL, atomically
    /// (a kill leaves the old file, which the next resume pads again); nothing when it has every column.</summary>
    public static void Pad(string file, Schema schema)
    {
        var tmp = file + ".tmp";
        using (var input = new ArrowFileReader(File.OpenRead(file)))
        {
            var added = Of(input.Schema, schema) ?? throw new ArtifactException(file, "cannot be padded to the columns this version writes");
            if (added.Count == 0) return;
            using var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.Read);
            using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
            writer.WriteStart();
            while (input.ReadNextRecordBatch() is { } batch)
                using (batch)
                {
                    var columns = Enumerable.Range(0, batch.ColumnCount).Select(batch.Column)
                        .Concat(added.Select(f => Nulls(f.DataType, batch.Length)!));
                    using var padded = new RecordBatch(schema, columns, batch.Length);
                    writer.WriteRecordBatch(padded);
                }
            writer.WriteEnd();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, file, overwrite: true);
    }

    /// <summary>A column of <paramref name="length"/> NULLs of <paramref name="type"/>; null for a type not padded.</summary>
    static IArrowArray? Nulls(IArrowType type, int length) => type switch
    {
        DoubleType => Repeat(length, new DoubleArray.Builder(), b => b.AppendNull(), b => b.Build()),
        FloatType => Repeat(length, new FloatArray.Builder(), b => b.AppendNull(), b => b.Build()),
        Int64Type => Repeat(length, new Int64Array.Builder(), b => b.AppendNull(), b => b.Build()),
        Int32Type => Repeat(length, new Int32Array.Builder(), b => b.AppendNull(), b => b.Build()),
        BooleanType => Repeat(length, new BooleanArray.Builder(), b => b.AppendNull(), b => b.Build()),
        StringType => Repeat(length, new StringArray.Builder(), b => b.AppendNull(), b => b.Build()),
        _ => null,
    };

    static IArrowArray Repeat<TBuilder>(int length, TBuilder builder, Action<TBuilder> appendNull, Func<TBuilder, IArrowArray> build)
    {
        for (int i = 0; i < length; i++) appendNull(builder);
        return build(builder);
    }
}
