using System.Security.Cryptography;
using System.Text;
using Retention.Data;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// What a run's data section reads, as one short hash: every local shard and tokenizer file by its path
/// relative to the folder the paths resolve against, with its size, and every URL as written. Two folders
/// holding the same files (a project moved or reached through a symlink) give the same fingerprint; another
/// corpus under the same relative names almost never does. A resume compares it with the run's first one.
/// </summary>
public static class DataFingerprint
{
    public static string Of(DataSpec data, string baseDirectory)
    {
        var lines = new List<string>();
        foreach (var source in data.Sources)
        {
            IReadOnlyList<Shard> shards;
            try { shards = ShardList.Expand(source.Paths, baseDirectory, source.Reads); }
            catch (DataException e) { lines.Add($"unreadable|{e.Message}"); continue; }
            lines.AddRange(shards.Select(s => Shard.IsUrl(s.Location) ? $"url|{s.Location}" : File(s.Location, baseDirectory)));
        }
        if (!TextTokenizer.IsBuiltIn(data.Tokenizer.Kind))
            foreach (var file in new[] { data.Tokenizer.Path, data.Tokenizer.MergesPath }.Where(f => !string.IsNullOrWhiteSpace(f)))
                lines.Add(File(Path.GetFullPath(file!, baseDirectory), baseDirectory));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))))[..16];
    }

    static string File(string path, string baseDirectory)
    {
        var info = new FileInfo(path);
        return $"file|{Path.GetRelativePath(baseDirectory, path)}|{(info.Exists ? info.Length : -1)}";
    }
}
