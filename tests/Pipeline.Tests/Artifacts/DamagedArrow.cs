using Apache.Arrow.Ipc;

namespace Retention.Tests.Artifacts;

/// <summary>Arrow files damaged as a disk or a copy damages them, for the tests of what reads them.</summary>
static class DamagedArrow
{
    /// <summary>Cuts the file to its first <paramref name="length"/> bytes (no footer: not even the schema reads),
    /// and dates it later, as a rewrite would, so a cache that listed it sees a change.</summary>
    public static void Truncate(string path, int length = 100)
    {
        using (var file = File.OpenWrite(path)) file.SetLength(length);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));
    }

    /// <summary>Breaks the first record batch's message length, keeping the schema and the footer: the file opens and
    /// its schema reads, but reading its rows fails. A loader reaches it only after the table is created.</summary>
    public static void BreakFirstBatch(string path)
    {
        var bytes = File.ReadAllBytes(path);
        // "ARROW1\0\0", then the schema message (0xFFFFFFFF, its length, the metadata) and the batch message.
        int schemaLength = BitConverter.ToInt32(bytes, 12);
        int batch = 16 + schemaLength;
        if (BitConverter.ToUInt32(bytes, batch) != 0xFFFFFFFF) throw new InvalidOperationException($"{path}: no batch message at {batch}");
        BitConverter.GetBytes(1_000_000).CopyTo(bytes, batch + 4);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(5));
        // What the damage is for: the schema reads, the rows do not.
        using var reader = new ArrowFileReader(File.OpenRead(path));
        _ = reader.Schema;
        try { reader.ReadNextRecordBatch(); }
        catch (Exception) { return; }
        throw new InvalidOperationException($"{path}: its first batch still reads");
    }
}
