using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;

namespace Retention.Data;

/// <summary>
/// A real .npy token file's header: where its tokens start and their dtype. A raw memmap (OLMo's own files, and
/// `data tokenize`'s) has none. Read by the run before a file's tokens, and by validate for every local token file, so a
/// file of another dtype is said before the run, not when the file order reaches it, maybe hours in.
/// </summary>
public sealed record NpyHeader(long DataStart, TokenDtype Dtype, string Descr)
{
    /// <summary>The header of the file at <paramref name="location"/>, or null where it has no .npy magic.</summary>
    /// <param name="open">Opens the file's raw bytes at a byte offset.</param>
    /// <exception cref="DataException">A header cut off, unsupported (Fortran order) or of a dtype no token file has.</exception>
    public static NpyHeader? Read(string location, Func<long, Stream> open)
    {
        var head = new byte[12];
        int got;
        using (var raw = open(0)) got = raw.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (got < 10 || !head.AsSpan(0, 6).SequenceEqual(Magic)) return null;
        var major = head[6];
        var headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(head.AsSpan(8)) : (long)BinaryPrimitives.ReadUInt32LittleEndian(head.AsSpan(8));
        var prefix = major == 1 ? 10 : 12;
        // Numpy's headers are a few hundred bytes: a length of gigabytes is damage, and allocating it would end the program
        // with an out-of-memory error rather than say which file.
        if (headerLength > MaxHeaderBytes)
            throw new DataException($"{location}: the .npy header says it is {headerLength:N0} bytes long (numpy writes a few hundred): the file is damaged");
        var header = new byte[headerLength];
        int read;
        using (var raw = open(prefix)) read = raw.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read < headerLength)
            throw new DataException($"{location}: the .npy header is cut off ({read} of its {headerLength} bytes): the file is truncated");
        var text = Regex.Replace(Encoding.Latin1.GetString(header), @"\s+", " ").Trim();   // padded with spaces and a newline
        var descr = Regex.Match(text, @"'descr'\s*:\s*'([<>|=]?)([a-z])(\d+)'");
        if (!descr.Success || Regex.IsMatch(text, @"'fortran_order'\s*:\s*True"))
            throw new DataException($"{location}: unsupported .npy header {text} (token files are flat little-endian uint16 or uint32)");
        var spelled = descr.Groups[1].Value + descr.Groups[2].Value + descr.Groups[3].Value;
        var dtype = (descr.Groups[1].Value, descr.Groups[2].Value, descr.Groups[3].Value) switch
        {
            ("<" or "=" or "", "u", "2") => TokenDtype.UInt16,
            ("<" or "=" or "", "u", "4") => TokenDtype.UInt32,
            _ => throw new DataException($"{location}: the .npy dtype {spelled} is not little-endian uint16 (<u2) or uint32 (<u4)"),
        };
        return new NpyHeader(prefix + headerLength, dtype, spelled);
    }

    /// <summary>Why the file cannot be read as <paramref name="configured"/>, in numpy's words (uint16, '&lt;u2') as the
    /// header and token_dtype spell it, not as .NET names the enum (UInt16); null where they agree.</summary>
    public string? Disagreement(string location, TokenDtype configured) => Dtype == configured ? null :
        $"{location}: the .npy header's dtype is '{Descr}' ({PretokenizedSource.NumpyName(Dtype)}), " +
        $"the source is configured as {PretokenizedSource.NumpyName(configured)}: set the source's token_dtype: {PretokenizedSource.NumpyName(Dtype)}";

    /// <summary>Far above any header numpy writes (its dict of three keys, padded to 64 bytes).</summary>
    const long MaxHeaderBytes = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
}
