using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

// Sets VER_FLG_WEAK on the Vernaux entries of an ELF64 little-endian shared object whose
// version name is in Versions, unless the system libstdc++ already provides that version.
public class WeakenElfVersionNeeds : Task
{
    public ITaskItem[] Files { get; set; }
    public string Versions { get; set; }

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    static readonly string[] LibStdCxxCandidates =
    {
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6",
        "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
    };

    public override bool Execute()
    {
        var wanted = Versions.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries)
                             .Select(v => v.Trim()).Where(v => !SystemProvides(v)).ToArray();
        if (wanted.Length == 0) return true;
        foreach (var item in Files)
        {
            try
            {
                int n = Patch(item.ItemSpec, wanted);
                if (n > 0)
                    Log.LogMessage(MessageImportance.High,
                        $"libLibTorchSharp fix: marked {n} version need(s) weak in {item.ItemSpec}");
            }
            catch (Exception e)
            {
                Log.LogWarning($"libLibTorchSharp fix: could not patch {item.ItemSpec}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    static bool SystemProvides(string version)
    {
        var lib = LibStdCxxCandidates.FirstOrDefault(File.Exists);
        if (lib == null) return false;
        var needle = Encoding.ASCII.GetBytes(version + "\0");
        var bytes = File.ReadAllBytes(lib);
        for (int i = 0; i + needle.Length <= bytes.Length; i++)
        {
            int j = 0;
            while (j < needle.Length && bytes[i + j] == needle[j]) j++;
            if (j == needle.Length) return true;
        }
        return false;
    }

    static int Patch(string path, string[] versions)
    {
        var b = File.ReadAllBytes(path);
        if (b.Length < 64 || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1) throw new InvalidDataException("only ELF64 little-endian is supported");
        ulong shoff = BitConverter.ToUInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        int patched = 0;
        for (int s = 0; s < shnum; s++)
        {
            int sh = checked((int)shoff + s * shentsize);
            if (BitConverter.ToUInt32(b, sh + 4) != ShtGnuVerneed) continue;
            int link = (int)BitConverter.ToUInt32(b, sh + 40);
            int off = checked((int)BitConverter.ToUInt64(b, sh + 24));
            int strOff = checked((int)BitConverter.ToUInt64(b, checked((int)shoff + link * shentsize) + 24));
            int vn = off;
            while (true)
            {
                int cnt = BitConverter.ToUInt16(b, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(b, vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    int nameOff = strOff + (int)BitConverter.ToUInt32(b, aux + 8);
                    int end = Array.IndexOf(b, (byte)0, nameOff);
                    string name = Encoding.ASCII.GetString(b, nameOff, end - nameOff);
                    ushort flags = BitConverter.ToUInt16(b, aux + 4);
                    if (Array.IndexOf(versions, name) >= 0 && (flags & VerFlgWeak) == 0)
                    {
                        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(b, aux + 4);
                        patched++;
                    }
                    uint nextAux = BitConverter.ToUInt32(b, aux + 12);
                    if (nextAux == 0) break;
                    aux += (int)nextAux;
                }
                uint next = BitConverter.ToUInt32(b, vn + 12);
                if (next == 0) break;
                vn += (int)next;
            }
        }
        if (patched > 0)
        {
            // Write beside and rename, so a concurrent loader never sees a half-written file.
            var tmp = path + ".patch-tmp";
            File.WriteAllBytes(tmp, b);
            if (File.Exists(path)) File.Delete(path);
            File.Move(tmp, path);
        }
        return patched;
    }
}
