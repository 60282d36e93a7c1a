using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Retention.Artifacts;

/// <summary>One sealed part of a table still being written: a complete Arrow file holding the
/// rows appended after the previous part, up to <see cref="Step"/>.</summary>
public sealed record ArrowPart(int Sequence, long Step, string Path);

/// <summary>
/// The on-disk layout of a table written in durable pieces. While a run trains, the rows up to
/// each durable point (an OLMo checkpoint) are sealed as a complete Arrow file
/// <c>&lt;table&gt;.arrow.parts/&lt;sequence&gt;-&lt;step&gt;.arrow</c>; completion merges the parts into
/// <c>&lt;table&gt;.arrow</c> and removes the folder. A process killed with SIGKILL therefore leaves
/// every sealed row in files any Arrow reader opens, and a resume keeps the parts up to its
/// checkpoint's step. Where both exist (a kill between the merge's rename and the folder's
/// removal), the complete file wins.
/// </summary>
public static class ArrowParts
{
    public const string Suffix = ".parts";

    public static string DirectoryOf(string tablePath) => tablePath + Suffix;

    public static string PathOf(string tablePath, int sequence, long step) =>
        Path.Combine(DirectoryOf(tablePath), $"{sequence:D6}-{step}.arrow");

    /// <summary>The sealed parts of a table, in sequence order (none when the folder is absent).</summary>
    public static IReadOnlyList<ArrowPart> List(string tablePath)
    {
        var dir = DirectoryOf(tablePath);
        if (!Directory.Exists(dir)) return [];
        var parts = new List<ArrowPart>();
        foreach (var file in Directory.EnumerateFiles(dir, "*.arrow"))
        {
            var stem = Path.GetFileNameWithoutExtension(file).Split('-');
            if (stem.Length == 2 && int.TryParse(stem[0], out var seq) && long.TryParse(stem[1], out var step))
                parts.Add(new ArrowPart(seq, step, file));
        }
        return [.. parts.OrderBy(p => p.Sequence)];
    }

    /// <summary>The parts of a table sealed at or before <paramref name="upToStep"/>, in sequence order: those a resume there keeps.</summary>
    public static IReadOnlyList<ArrowPart> SealedUpTo(string tablePath, long upToStep) => [.. List(tablePath).Where(p => p.Step <= upToStep)];

    /// <summary>The files that hold the rows a resume at <paramref name="upToStep"/> keeps of a table: its complete
    /// file where there is one (it wins over parts a kill left beside it), else its parts sealed at or before that step.</summary>
    public static IReadOnlyList<string> Kept(string tablePath, long upToStep) =>
        File.Exists(tablePath) ? [tablePath] : [.. SealedUpTo(tablePath, upToStep).Select(p => p.Path)];

    /// <summary>The finite values of the float64 <paramref name="column"/> in the rows a resume at <paramref name="upToStep"/>
    /// keeps (<see cref="Kept"/>, rows whose <c>step</c> is at most that step), in the order they were written. Read lazily,
    /// so a caller that wants the first reads no further. The files' columns are the caller's to have checked.</summary>
    public static IEnumerable<double> KeptValues(string tablePath, long upToStep, string column)
    {
        foreach (var file in Kept(tablePath, upToStep))
        {
            using var reader = new ArrowFileReader(File.OpenRead(file));
            while (reader.ReadNextRecordBatch() is { } batch)
                using (batch)
                {
                    var (steps, values) = ((Int64Array)batch.Column("step"), (DoubleArray)batch.Column(column));
                    for (int i = 0; i < batch.Length; i++)
                        if (steps.GetValue(i) <= upToStep && values.GetValue(i) is { } v && double.IsFinite(v)) yield return v;
                }
        }
    }

    /// <summary>An attempt wrote rows to the table at <paramref name="tablePath"/>, in any form: complete (a failure or a stop
    /// completes its tables), in progress (<c>.tmp</c>, a kill before any seal) or sealed in parts (a kill after one).</summary>
    public static bool Written(string tablePath) =>
        File.Exists(tablePath) || File.Exists(tablePath + ".tmp") || Directory.Exists(DirectoryOf(tablePath));

    /// <summary>The table's name for a part file (<c>x.arrow.parts/000001-5.arrow</c> belongs to <c>x</c>), or null.</summary>
    public static string? TableOfPartsDirectory(string directory)
    {
        var name = Path.GetFileName(directory.TrimEnd(Path.DirectorySeparatorChar));
        return name.EndsWith(".arrow" + Suffix, StringComparison.OrdinalIgnoreCase)
            ? name[..^(".arrow" + Suffix).Length]
            : null;
    }

    /// <summary>Copies every batch of <paramref name="sources"/> (in order) into one file at
    /// <paramref name="target"/>, written under <c>.tmp</c>, flushed and renamed.</summary>
    public static void Merge(IReadOnlyList<string> sources, string target, Schema schema)
    {
        var tmp = target + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            using var writer = new ArrowFileWriter(stream, schema, leaveOpen: true);
            writer.WriteStart();
            foreach (var source in sources)
            {
                using var reader = new ArrowFileReader(File.OpenRead(source));
                while (reader.ReadNextRecordBatch() is { } batch)
                    using (batch) writer.WriteRecordBatch(batch);
            }
            writer.WriteEnd();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, target, overwrite: true);
    }

    /// <summary>Writes the rows of <paramref name="source"/> whose Int64 <paramref name="stepColumn"/> is at
    /// most <paramref name="maxStep"/> (rows are in step order) to <paramref name="target"/>, atomically.</summary>
    public static long CopyRowsUpTo(string source, string target, long maxStep, string stepColumn)
    {
        var tmp = target + ".tmp";
        long copied = 0;
        using (var input = new ArrowFileReader(File.OpenRead(source)))
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.Read))
        {
            using var writer = new ArrowFileWriter(stream, input.Schema, leaveOpen: true);
            writer.WriteStart();
            while (input.ReadNextRecordBatch() is { } batch)
            {
                using (batch)
                {
                    var steps = (Int64Array)batch.Column(stepColumn);
                    int keep = 0;
                    while (keep < batch.Length && steps.GetValue(keep) <= maxStep) keep++;
                    if (keep > 0)
                    {
                        var columns = Enumerable.Range(0, batch.ColumnCount).Select(i => ArrowArrayFactory.Slice(batch.Column(i), 0, keep));
                        using var kept = new RecordBatch(batch.Schema, columns, keep);
                        writer.WriteRecordBatch(kept);
                        copied += keep;
                    }
                    if (keep < batch.Length) break;
                }
            }
            writer.WriteEnd();
            stream.Flush(flushToDisk: true);
        }
        File.Move(tmp, target, overwrite: true);
        return copied;
    }
}
