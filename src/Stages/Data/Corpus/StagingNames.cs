using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Retention.Data.Corpus;

/// <summary>
/// The sibling folders a data command replaces its output folder through: <c>&lt;out&gt;.partial-&lt;host&gt;-&lt;pid&gt;</c>
/// (the new set being written) and <c>&lt;out&gt;.replaced-&lt;host&gt;-&lt;pid&gt;</c> (the earlier set while the new one
/// is swapped in). Beside the output, so both lie on its file system and a rename moves them whole; named by
/// host and process, so a later run can tell a leftover of a killed command from one still being written.
/// </summary>
public sealed record StagingNames(string Host, int Pid)
{
    public const string Partial = "partial";
    public const string Replaced = "replaced";

    /// <summary>This process on this machine.</summary>
    public static StagingNames Current { get; } = new(SafeHost(Environment.MachineName) + PidNamespace(), Environment.ProcessId);

    /// <summary>The sibling of <paramref name="target"/> of the given kind (<see cref="Partial"/> or <see cref="Replaced"/>).</summary>
    public string Sibling(string target, string kind) => $"{target}.{kind}-{Host}-{Pid}";

    /// <summary>The staging folders beside <paramref name="target"/> (any host or process), with their kind and owner.</summary>
    public static IEnumerable<(string Path, string Kind, StagingNames Owner)> Beside(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent)) yield break;
        var name = new Regex($"^{Regex.Escape(Path.GetFileName(target))}\\.({Partial}|{Replaced})-(.+)-([0-9]+)$");
        foreach (var dir in Directory.EnumerateDirectories(parent).Order(StringComparer.Ordinal))
            if (name.Match(Path.GetFileName(dir)) is { Success: true } m && int.TryParse(m.Groups[3].Value, out var pid))
                yield return (dir, m.Groups[1].Value, new StagingNames(m.Groups[2].Value, pid));
    }

    /// <summary>Whether the command that named a folder may still be writing it: it ran on another machine (whose
    /// processes cannot be seen from here), or its process is alive here.</summary>
    public bool MayBeRunning()
    {
        if (Host != Current.Host) return true;
        try
        {
            using var process = Process.GetProcessById(Pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }

    public override string ToString() => $"process {Pid} on {Host}";

    /// <summary>Where the pid is counted, when not among the machine's own processes: a container sees only its own, and
    /// containers may share the host's name (docker --network host, a pod with hostNetwork). Named, a container's folders are
    /// another machine's to every process outside it, so none takes a live one for a killed one's because it cannot see its pid.</summary>
    static string PidNamespace()
    {
        if (!OperatingSystem.IsLinux()) return "";
        try
        {
            var link = new FileInfo("/proc/self/ns/pid").LinkTarget;   // "pid:[4026531836]"
            return link is not null && Regex.Match(link, @"^pid:\[([0-9]+)\]$") is { Success: true } m && m.Groups[1].Value != InitialPidNamespace
                ? $".pidns{m.Groups[1].Value}" : "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    /// <summary>The machine's own processes' pid namespace (the kernel's PROC_PID_INIT_INO): its folders keep the plain host name.</summary>
    const string InitialPidNamespace = "4026531836";

    // The name goes into a folder name, parsed back by Beside: nothing but letters, digits, dots, hyphens and underscores.
    static string SafeHost(string host) => Regex.Replace(host, "[^A-Za-z0-9._-]", "_");
}
