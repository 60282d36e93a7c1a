namespace Retention.Pipeline;

/// <summary>Words written so that bash reads them back as the same words: a command line recorded in provenance.json
/// can be pasted to run again, and the Slurm scripts pass paths and overrides with spaces or quotes intact.</summary>
public static class ShellWords
{
    /// <summary>The word as is when bash would not split or expand it, else in single quotes (a quote inside as '\'').</summary>
    public static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@%".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";

    /// <summary>The words joined with spaces, each quoted.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Quote));
}
