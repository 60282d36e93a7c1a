using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>One tensor's header entry: dtype, shape and byte range relative to the data section.</summary>
public sealed record SafetensorsEntry(string Name, string Dtype, long[] Shape, long Begin, long End)
{
    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Reads a safetensors file (format in <see cref="SafetensorsWriter"/>): the header length, the
/// parsed JSON header (entries in file order and <c>__metadata__</c>), and each tensor's bytes,
/// as float32 values (F32 and BF16) or as a CPU tensor. Checks that every range lies inside the
/// data section and matches its dtype and shape.
/// </summary>
public sealed class SafetensorsReader
{
    readonly string path;

    /// <summary>N, the JSON header's length in bytes (padding included).</summary>
    public ulong HeaderLength { get; }
    /// <summary>The header's JSON text (padding included).</summary>
    public string HeaderJson { get; }
    /// <summary>Byte offset of the data section in the file (8 + N).</summary>
    public long DataStart => 8 + (long)HeaderLength;
    /// <summary>Length of the data section in bytes.</summary>
    public long DataLength { get; }
    public IReadOnlyList<SafetensorsEntry> Entries { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public SafetensorsReader(string path)
    {
        this.path = path;
        using var fs = File.OpenRead(path);
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        HeaderLength = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (HeaderLength > (ulong)(fs.Length - 8) || HeaderLength > 100 << 20)
            throw new InvalidDataException($"safetensors header length {HeaderLength} exceeds the file");
        var header = new byte[HeaderLength];
        fs.ReadExactly(header);
        HeaderJson = Encoding.UTF8.GetString(header);
        DataLength = fs.Length - DataStart;

        var entries = new List<SafetensorsEntry>();
        var metadata = new Dictionary<string, string>();
        using var doc = JsonDocument.Parse(header);
        foreach (var prop in doc.RootElement.EnumerateObject())
        {
            if (prop.Name == "__metadata__")
            {
                foreach (var m in prop.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            var dtype = prop.Value.GetProperty("dtype").GetString()!;
            var shape = prop.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var offs = prop.Value.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            var entry = new SafetensorsEntry(prop.Name, dtype, shape, offs[0], offs[1]);
            if (offs.Length != 2 || entry.Begin < 0 || entry.End < entry.Begin || entry.End > DataLength)
                throw new InvalidDataException($"tensor '{prop.Name}' range [{entry.Begin}, {entry.End}) outside the data section ({DataLength} bytes)");
            if (entry.End - entry.Begin != entry.Numel * SafetensorsWriter.ElementSize(dtype))
                throw new InvalidDataException($"tensor '{prop.Name}' range does not match {dtype} {string.Join("x", shape)}");
            entries.Add(entry);
        }
        Entries = entries;
        Metadata = metadata;
    }

    public SafetensorsEntry this[string name] =>
        Entries.FirstOrDefault(e => e.Name == name) ?? throw new KeyNotFoundException($"no tensor '{name}' in {path}");

    /// <summary>The raw bytes of tensor <paramref name="name"/>.</summary>
    public byte[] ReadBytes(string name)
    {
        var e = this[name];
        using var fs = File.OpenRead(path);
        fs.Seek(DataStart + e.Begin, SeekOrigin.Begin);
        var bytes = new byte[e.End - e.Begin];
        fs.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Tensor <paramref name="name"/>'s values as float32 (BF16 widened exactly).</summary>
    public float[] ReadFloats(string name)
    {
        var e = this[name];
        var bytes = ReadBytes(name);
        var values = new float[e.Numel];
        switch (e.Dtype)
        {
            case "F32":
                for (long i = 0; i < values.Length; i++)
                    values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan((int)(4 * i), 4));
                break;
            case "BF16":
                for (long i = 0; i < values.Length; i++)
                    values[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan((int)(2 * i), 2)) << 16);
                break;
            default:
                throw new NotSupportedException($"dtype {e.Dtype}");
        }
        return values;
    }

    /// <summary>Tensor <paramref name="name"/> as a float32 CPU tensor of its shape.</summary>
    public Tensor ReadTensor(string name) => tensor(ReadFloats(name), this[name].Shape, dtype: float32);
}
