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

    // Read once, before Current is made from them (static fields are set in the order they are written).
    static readonly string MachineHost = HostName();
    static readonly string Namespace = PidNamespace();

    /// <summary>This process on this machine, named by the machine's full host name: node1.clusterA and node1.clusterB
    /// (Environment.MachineName cuts both to node1) share no folder name, so neither takes the other's for its own.</summary>
    public static StagingNames Current { get; } = new(SafeHost(MachineHost) + Namespace, Environment.ProcessId);

    /// <summary>Whether an earlier version may have named this folder on this machine: it cut the host name at the first
    /// dot. Such a name is as much another machine's (node1.clusterB's) as this one's, so it counts as another machine's.</summary>
    public bool IsCutHostName => Host != Current.Host && Host == CutHost;

    static string CutHost => SafeHost(MachineHost.Split('.')[0]) + Namespace;

    /// <summary>The sibling of <paramref name="target"/> of the given kind (<see cref="Partial"/> or <see cref="Replaced"/>).</summary>
    public string Sibling(string target, string kind) => $"{target}.{kind}-{Host}-{Pid}";

    /// <summary>The staging folders beside <paramref name="target"/> (any host or process), with their kind and owner.</summary>
    public static IEnumerable<(string Path, string Kind, StagingNames Owner)> Beside(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        if (!Directory.Exists(parent)) yield break;
        // The host may hold dots and hyphens (node-1.cluster-a); the pid is the last -[0-9]+, as (.+) takes all it can.
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

    /// <summary>The host name whole (gethostname), not cut at the first dot as Environment.MachineName is on Unix.</summary>
    static string HostName()
    {
        try { return System.Net.Dns.GetHostName() is { Length: > 0 } name ? name : Environment.MachineName; }
        catch (System.Net.Sockets.SocketException) { return Environment.MachineName; }
    }
}
