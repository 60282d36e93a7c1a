namespace Retention.Artifacts;

/// <summary>The first free one of NAME, NAME-2, NAME-3, ... in a folder, taken by one writer alone. For outputs named by
/// the second they were made in (bench records, probe scans): two made in the same second, side by side, get names of
/// their own rather than one replacing (or writing into) the other's.</summary>
public static class FreeName
{
    /// <param name="dir">The folder the name is in (made when missing).</param>
    /// <param name="stem">NAME, e.g. synthetic-20261202-164940.</param>
    /// <param name="extension">What follows the number, e.g. ".arrow" ("" for a folder).</param>
    /// <param name="take">Puts the output at the free path (moves a file there, makes the folder), called while this
    /// writer alone holds the name.</param>
    /// <returns>The path taken.</returns>
    public static string Take(string dir, string stem, string extension, Action<string> take)
    {
        Directory.CreateDirectory(dir);
        // Each name is claimed first by creating a hidden claim file (O_EXCL: one writer wins it). Checking that the name
        // is free and then taking it did not keep writers apart: with 8 at once two took one name, one bench record
        // replacing the other (a fresh-clone CI run).
        for (int n = 1; ; n++)
        {
            var path = Path.Combine(dir, (n == 1 ? stem : $"{stem}-{n}") + extension);
            if (Exists(path)) continue;
            var claim = Claim(path);
            try { new FileStream(claim, FileMode.CreateNew, FileAccess.Write).Dispose(); }
            // Another writer is taking this name (its claim is deleted only once the name is taken, so one of them is there).
            catch (IOException) when (File.Exists(claim) || Exists(path)) { continue; }
            try
            {
                if (Exists(path)) continue;   // taken by one that finished before the claim
                take(path);
                return path;
            }
            finally { File.Delete(claim); }
        }
    }

    /// <summary>Whether a writer is taking <paramref name="path"/> now (its claim is there): a folder it made may not yet hold
    /// what the writer puts in it first (a probe's lock).</summary>
    public static bool IsBeingTaken(string path) => File.Exists(Claim(path));

    static string Claim(string path) => Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.claim");

    /// <summary>A file or a folder: either holds the name.</summary>
    static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
}
