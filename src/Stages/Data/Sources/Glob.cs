using System.Text;
using System.Text.RegularExpressions;

namespace Retention.Data;

/// <summary>
/// File-name globs: <c>*</c> and <c>?</c> match within one folder, <c>[abc]</c>/<c>[!abc]</c> one
/// character of a set, <c>**</c> any number of folders. Small on purpose (no braces, no
/// escapes): Microsoft.Extensions.FileSystemGlobbing is not in the base framework.
/// </summary>
public static class Glob
{
    public static bool HasWildcards(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>The files matching <paramref name="pattern"/> (absolute, or relative to
    /// <paramref name="baseDirectory"/>), as absolute paths in ordinal order.</summary>
    public static IReadOnlyList<string> Expand(string pattern, string baseDirectory)
    {
        var full = Path.GetFullPath(pattern, baseDirectory).Replace('\\', '/');
        var segments = full.Split('/');
        // The folder to list is the longest prefix without wildcards; the rest is matched.
        var firstWild = Array.FindIndex(segments, HasWildcards);
        if (firstWild < 0) return File.Exists(full) ? [full] : [];
        var root = string.Join('/', segments[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var rest = string.Join('/', segments[firstWild..]);
        var regex = ToRegex(rest);
        var recursive = rest.Contains('/') || rest.Contains("**", StringComparison.Ordinal);
        var files = Directory.EnumerateFiles(root, "*", recursive ? SearchOption.AllDirectories : SearchOption.TopDirectoryOnly)
            .Where(f => regex.IsMatch(Path.GetRelativePath(root, f).Replace('\\', '/')))
            .Select(f => Path.GetFullPath(f))
            .ToList();
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>The anchored regex of a glob over '/'-separated relative paths.</summary>
    public static Regex ToRegex(string glob)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                var slash = i + 2 < glob.Length && glob[i + 2] == '/';
                sb.Append(slash ? "(?:.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else if (c == '[' && glob.IndexOf(']', i + 1) is var end && end > i + 1)
            {
                var set = glob[(i + 1)..end];
                sb.Append('[').Append(set.StartsWith('!') ? "^" + Regex.Escape(set[1..]) : Regex.Escape(set)).Append(']');
                i = end;
            }
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
