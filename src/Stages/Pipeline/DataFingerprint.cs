using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Retention.Data;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>One thing a run's data section reads: a local shard or tokenizer file by its path relative to the folder the
/// paths resolve against, with its size in bytes (-1 when it is missing); a URL as written (no size); or a source whose
/// paths could not be listed (Name is why).</summary>
/// <param name="Kind">file | url | unreadable.</param>
public sealed record DataFile(string Kind, string Name, long? Size = null)
{
    /// <summary>Its line in the fingerprint (unchanged since fingerprints were first recorded, so older runs still match).</summary>
    [JsonIgnore]
    public string Line => Kind == "file" ? $"file|{Name}|{Size}" : $"{Kind}|{Name}";
}

/// <summary>
/// What a run's data section reads, as one short hash: every local shard and tokenizer file by its path
/// relative to the folder the paths resolve against, with its size, and every URL as written. Two folders
/// holding the same files (a project moved or reached through a symlink) give the same fingerprint; another
/// corpus under the same relative names almost never does. A resume compares it with the run's first one,
/// and the list itself (<see cref="Files"/>, kept beside it) says which files differ.
/// </summary>
public static class DataFingerprint
{
    public static string Of(DataSpec data, string baseDirectory) => Of(Files(data, baseDirectory));

    public static string Of(IEnumerable<DataFile> files) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', files.Select(f => f.Line)))))[..16];

    /// <summary>The files, URLs and unlistable sources the data section reads, in the order the fingerprint hashes them.</summary>
    public static IReadOnlyList<DataFile> Files(DataSpec data, string baseDirectory)
    {
        var files = new List<DataFile>();
        foreach (var source in data.Sources)
        {
            IReadOnlyList<Shard> shards;
            try { shards = ShardList.Expand(source.Paths, baseDirectory, source.Reads); }
            catch (DataException e) { files.Add(new DataFile("unreadable", e.Message)); continue; }
            files.AddRange(shards.Select(s => Shard.IsUrl(s.Location) ? new DataFile("url", s.Location) : File(s.Location, baseDirectory)));
        }
        if (!TextTokenizer.IsBuiltIn(data.Tokenizer.Kind))
            foreach (var file in new[] { data.Tokenizer.Path, data.Tokenizer.MergesPath }.Where(f => !string.IsNullOrWhiteSpace(f)))
                files.Add(File(Path.GetFullPath(file!, baseDirectory), baseDirectory));
        return files;
    }

    static DataFile File(string path, string baseDirectory)
    {
        var info = new FileInfo(path);
        return new DataFile("file", Path.GetRelativePath(baseDirectory, path), info.Exists ? info.Length : -1);
    }
}
