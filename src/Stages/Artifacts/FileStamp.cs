using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;

namespace Retention.Artifacts;

/// <summary>
/// What the catalog cache compares to tell that an Arrow file changed since it read it: its length and modification time,
/// which a copy made with `cp -p` (or `rsync -t`) over it can leave as they were, and <see cref="Change"/>, which that
/// copy moves. On Linux it is the inode and the change time (ctime): every write and every setting of the times moves
/// the ctime, and nothing sets it back; one statx call reads all of it, as many calls as reading the length and time
/// alone. Where that call is not there (macOS, Windows: .NET gives no ctime) it is a hash of the file's last 4 KiB (its
/// Arrow footer and the end of its last batch), which a same-size copy of another run's file changes unless their
/// ends are byte for byte the same.
/// </summary>
/// <param name="WriteTicks">The modification time in UTC ticks, as <see cref="FileInfo.LastWriteTimeUtc"/> gives it.</param>
internal sealed record FileStamp(long Length, long WriteTicks, string Change)
{
    /// <summary>The file's stamp now.</summary>
    /// <exception cref="IOException">The file cannot be read (gone since it was listed).</exception>
    public static FileStamp Of(string path) => (statxWorks ? Statx(path) : null) ?? Tail(path);

    /// <summary>The fallback's stamp, used where statx is not there; internal so a test can take it on Linux too.</summary>
    internal static FileStamp Tail(string path)
    {
        SafeFileHandle handle;
        try { handle = File.OpenHandle(path); }
        catch (UnauthorizedAccessException)
        {
            // Loading it says what is wrong, as it did when only the length and time were compared.
            var info = new FileInfo(path);
            return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, "unreadable");
        }
        using var _ = handle;
        var length = RandomAccess.GetLength(handle);
        var tail = new byte[(int)Math.Min(TailBytes, length)];
        for (int read = 0, n; read < tail.Length; read += n)
            if ((n = RandomAccess.Read(handle, tail.AsSpan(read), length - tail.Length + read)) == 0) throw new EndOfStreamException(path);
        return new FileStamp(length, File.GetLastWriteTimeUtc(handle).Ticks, "tail:" + Convert.ToHexString(SHA256.HashData(tail), 0, 16));
    }

    const int TailBytes = 4096;

    /// <summary>Null where the call fails (the file is gone: <see cref="Tail"/> then says so) or leaves out what is asked.</summary>
    static FileStamp? Statx(string path)
    {
        try
        {
            if (StatxCall(AtFdCwd, path, 0, Wanted, out var s) != 0 || (s.Mask & Wanted) != Wanted) return null;
            long ticks = DateTime.UnixEpoch.Ticks + s.MtimeSeconds * TimeSpan.TicksPerSecond + s.MtimeNanoseconds / 100;
            return new FileStamp((long)s.Size, ticks, $"inode:{s.Inode} ctime:{s.CtimeSeconds}.{s.CtimeNanoseconds:D9}");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            statxWorks = false;   // a C library without it (musl before 1.2.5): not tried again
            return null;
        }
    }

    static bool statxWorks = OperatingSystem.IsLinux();

    const int AtFdCwd = -100;
    const uint Wanted = 0x80 | 0x100 | 0x200 | 0x40;   // STATX_CTIME | STATX_INO | STATX_SIZE | STATX_MTIME

    /// <summary>Linux's struct statx, whose layout is the same on every architecture (include/uapi/linux/stat.h).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    struct StatxBuffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSeconds;
        [FieldOffset(104)] public uint CtimeNanoseconds;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
    }

    // glibc has had it since 2.28 (2018); following links, as reading the file does.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    static extern int StatxCall(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, out StatxBuffer buffer);
}
