namespace Retention.Spec;

/// <summary>The .npy headers of a pretokenized source's local files, read by validate so a file the run would stop at is said
/// before the run, not when the file order reaches it, maybe hours in. A source's files are judged together: the run reads
/// them all with the one token_dtype, and a dtype said once per paths entry read as two problems.</summary>
internal static class TokenFileHeaders
{
    /// <summary>A local file's header (raw memmaps, which have none, are left out).</summary>
    public sealed record Read(string File, Data.NpyHeader Header);

    /// <summary>Whether files are judged against <paramref name="tokenDtype"/>: not where it is none a run reads (said at
    /// its key already).</summary>
    public static bool Judged(string tokenDtype) => tokenDtype is "uint16" or "uint32";

    /// <summary>The headers of <paramref name="files"/>, and the first header among them the run cannot read (said at the
    /// paths entry that matched it).</summary>
    public static (IReadOnlyList<Read> Headers, string? Unreadable) Of(IReadOnlyList<Data.Shard> files)
    {
        var headers = new List<Read>();
        string? unreadable = null;
        foreach (var file in files.Where(f => !Data.Shard.IsUrl(f.Location)))
        {
            try
            {
                if (Data.NpyHeader.Read(file.Location, offset => OpenAt(file.Location, offset)) is { } header) headers.Add(new(file.Location, header));
            }
            catch (Data.DataException e) { unreadable ??= e.Message; }
            catch (IOException) { }                  // unreadable here: the run says it, as before
            catch (UnauthorizedAccessException) { }
        }
        return (headers, unreadable);
    }

    /// <summary>Why the run could not read all of a source's <paramref name="headers"/> as <paramref name="tokenDtype"/>: files
    /// of both dtypes (no token_dtype fits them all; one file of each is named), or files of the other one (the first named);
    /// null where they agree or token_dtype is not <see cref="Judged"/>.</summary>
    public static string? DtypeProblem(IEnumerable<Read> headers, string tokenDtype)
    {
        if (!Judged(tokenDtype)) return null;
        var configured = Data.PretokenizedSource.ParseDtype(tokenDtype);
        var byDtype = headers.GroupBy(h => h.Header.Dtype).Select(g => g.First()).OrderBy(h => h.Header.Dtype).ToList();
        return byDtype switch
        {
            [var one] => one.Header.Disagreement(one.File, configured),
            [var narrow, var wide] => $"the source's .npy files are of two dtypes: {Described(narrow)}, {Described(wide)}; a source reads " +
                "all its files with one token_dtype: split them into two sources, one with token_dtype: uint16 and one with uint32, " +
                "or convert one set to the other's dtype",
            _ => null,
        };
    }

    /// <summary>Where <paramref name="manifest"/> in <paramref name="dir"/> and the headers both say the files' dtype is other
    /// than <paramref name="tokenDtype"/>, and the same one: one message naming both (a header in that folder where there is
    /// one), not two worded apart at the one key; null where they do not both say it.</summary>
    public static string? ManifestAndHeaderProblem(Data.PretokenizedManifest manifest, string dir, IReadOnlyList<Read> headers, string tokenDtype)
    {
        if (!Judged(tokenDtype) || manifest.Dtype == tokenDtype || OneOtherDtype(headers, tokenDtype) is not { } other
            || Data.PretokenizedSource.NumpyName(other.Header.Dtype) != manifest.Dtype) return null;
        var header = headers.FirstOrDefault(h => Path.GetDirectoryName(h.File) == dir) ?? other;
        return $"{manifest.WrittenBy(dir)} as {manifest.Dtype} (its {Data.PretokenizedManifest.FileName}), and {header.File}'s .npy header " +
            $"says '{header.Header.Descr}' ({manifest.Dtype}); the source is configured as {tokenDtype}: set token_dtype: {manifest.Dtype}";
    }

    /// <summary>The first header where all are of one dtype, not <paramref name="tokenDtype"/>'s.</summary>
    static Read? OneOtherDtype(IReadOnlyList<Read> headers, string tokenDtype) =>
        headers.Select(h => h.Header.Dtype).Distinct().Count() == 1 && headers[0].Header.Dtype != Data.PretokenizedSource.ParseDtype(tokenDtype) ? headers[0] : null;

    static string Described(Read read) => $"{read.File} is '{read.Header.Descr}' ({Data.PretokenizedSource.NumpyName(read.Header.Dtype)})";

    static Stream OpenAt(string file, long offset)
    {
        var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 4096);
        stream.Seek(offset, SeekOrigin.Begin);
        return stream;
    }
}
