namespace Retention.Data.Corpus;

/// <summary>Paths with every symbolic link along them resolved, to tell whether two names reach the same folder: the
/// current directory is reported so, and a rename moves the folder that a path's links lead to.</summary>
public static class PhysicalPath
{
    /// <summary><paramref name="full"/> (an absolute path) with each link on the way replaced by where it points, as the
    /// kernel walks it; parts that do not exist are kept as written.</summary>
    public static string Of(string full)
    {
        var resolved = Path.GetPathRoot(full)!;
        var parts = new LinkedList<string>(Parts(full));
        for (int links = 0; parts.First is { } part; )
        {
            parts.RemoveFirst();
            if (part.Value == ".") continue;
            if (part.Value == "..") { resolved = Path.GetDirectoryName(resolved) ?? resolved; continue; }
            var next = Path.Combine(resolved, part.Value);
            if (links < MaxLinks && new FileInfo(next).LinkTarget is { } target)
            {
                links++;
                // A relative target is walked from the link's folder, an absolute one from the root; then the rest of the path.
                if (Path.IsPathRooted(target)) resolved = Path.GetPathRoot(target)!;
                foreach (var p in Enumerable.Reverse(Parts(target))) parts.AddFirst(p);
            }
            else resolved = next;
        }
        return resolved;
    }

    /// <summary>Whether <paramref name="inner"/> is <paramref name="folder"/> or lies under it, links resolved.</summary>
    public static bool Contains(string folder, string inner)
    {
        var outer = Of(folder);
        var path = Of(inner);
        return path == outer || path.StartsWith(Path.EndsInDirectorySeparator(outer) ? outer : outer + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    static string[] Parts(string path) =>
        path[Path.GetPathRoot(path)!.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>As the kernel's limit on links followed in one lookup (Linux's 40): a loop of links ends the resolving, not the command.</summary>
    const int MaxLinks = 40;
}
