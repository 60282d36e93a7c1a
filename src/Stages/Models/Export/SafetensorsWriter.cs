using System.Buffers.Binary;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// Writes tensors in Hugging Face's safetensors format
/// (https://github.com/huggingface/safetensors, README "Format"; the Rust crate's docs on docs.rs):
/// an 8-byte little-endian unsigned header length N, then N bytes of UTF-8 JSON
/// <c>{"__metadata__": {string: string}, name: {"dtype", "shape", "data_offsets": [begin, end]}, …}</c>
/// padded with spaces so that the data section starts at an 8-byte aligned offset, then the
/// tensors' raw little-endian, row-major (C-order) bytes. <c>data_offsets</c> are relative to the
/// start of the data section; the tensors are laid out back to back in the order given, so the
/// ranges are contiguous and cover the data section exactly.
/// Supported dtypes: <c>F32</c> and <c>BF16</c> (any floating tensor is converted to the target dtype).
/// The file is written to <c>path.tmp</c> and renamed over <paramref name="path"/>, so a reader
/// never sees a partial file.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The dtype names written (safetensors spelling).</summary>
    public static IReadOnlyList<string> Dtypes { get; } = ["F32", "BF16"];

    /// <summary>Bytes per element of a supported dtype.</summary>
    public static int ElementSize(string dtype) => dtype switch
    {
        "F32" => 4,
        "BF16" => 2,
        _ => throw new ArgumentException($"unsupported safetensors dtype '{dtype}' (F32, BF16)", nameof(dtype)),
    };

    static ScalarType ScalarTypeOf(string dtype) => dtype switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        _ => throw new ArgumentException($"unsupported safetensors dtype '{dtype}' (F32, BF16)", nameof(dtype)),
    };

    /// <summary>Writes <paramref name="tensors"/> (in the given order) as <paramref name="dtype"/>
    /// with optional string <paramref name="metadata"/> to <paramref name="path"/>, atomically.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors,
        string dtype = "F32", IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors writer needs a little-endian host");
        int elem = ElementSize(dtype);
        var list = tensors.ToList();
        var seen = new HashSet<string>();
        foreach (var (name, t) in list)
        {
            if (string.IsNullOrEmpty(name) || name == "__metadata__") throw new ArgumentException($"invalid tensor name '{name}'");
            if (!seen.Add(name)) throw new ArgumentException($"duplicate tensor name '{name}'");
            if (!t.is_floating_point()) throw new ArgumentException($"tensor '{name}' is {t.dtype}, not floating point");
        }

        var header = BuildHeader(list.Select(p => (p.Key, p.Value.shape, p.Value.numel() * elem)), dtype, metadata);

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var tmp = full + ".tmp";
        try
        {
            using (var fs = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                var target = ScalarTypeOf(dtype);
                foreach (var (name, t) in list)
                {
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    var cpu = t.detach().to(target).cpu().contiguous();
                    if (cpu.numel() == 0) continue;
                    fs.Write(cpu.bytes);
                }
                fs.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            if (File.Exists(tmp)) File.Delete(tmp);
            throw;
        }
    }

    /// <summary>The JSON header padded with spaces to a multiple of 8 bytes (so 8 + N is aligned).</summary>
    internal static byte[] BuildHeader(IEnumerable<(string Name, long[] Shape, long Bytes)> entries,
        string dtype, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                w.WriteStartObject("__metadata__");
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape, bytes) in entries)
            {
                w.WriteStartObject(name);
                w.WriteString("dtype", dtype);
                w.WriteStartArray("shape");
                foreach (var d in shape) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                w.WriteNumberValue(offset + bytes);
                w.WriteEndArray();
                w.WriteEndObject();
                offset += bytes;
            }
            w.WriteEndObject();
        }
        int n = (int)ms.Length;
        int padded = (n + 7) / 8 * 8;
        var result = new byte[padded];
        ms.ToArray().CopyTo(result, 0);
        for (int i = n; i < padded; i++) result[i] = (byte)' ';
        return result;
    }
}
