namespace Retention.Artifacts;

/// <summary>A table not loaded because one of its files cannot be (<see cref="DamagedTables"/>): which file, why, and
/// what to do about it.</summary>
/// <param name="Name">The table, none of whose files is loaded.</param>
/// <param name="File">The file that could not be loaded.</param>
/// <param name="Reason">What is wrong with it (the loader's words).</param>
/// <param name="Advice">What to do to have the table again.</param>
public sealed record LeftOutTable(string Name, string File, string Reason, string Advice)
{
    /// <summary>What a query says of it (<see cref="DamagedTables.LeaveOut"/>).</summary>
    public string Note => $"table '{Name}' is left out (none of its files is loaded): {File}: {Reason}; {Advice}";

    /// <summary>What an open that fails on it throws (<see cref="DamagedTables.Fail"/>).</summary>
    public ArtifactException Error(Exception? inner = null) =>
        new(File, $"{Reason}; table '{Name}' cannot be loaded without it: {Advice}", inner);

    /// <summary>The table <paramref name="table"/> of <paramref name="files"/>, left out for <paramref name="error"/>.</summary>
    public static LeftOutTable Of(string table, IEnumerable<ArtifactFile> files, ArtifactException error)
    {
        var file = files.FirstOrDefault(f => f.Path == error.FilePath);
        return new LeftOutTable(table, error.FilePath, error.Reason, AdviceFor(file, error.FilePath));
    }

    static string AdviceFor(ArtifactFile? file, string path)
    {
        if (file is { Run: null })
            return $"delete the file (`pipeline analyze {Pipeline.ShellWords.Quote(SweepOfAnalysis(path))}` writes the tables of the sweep's analysis again)";
        // The whole run, not the file: --resume skips a completed run whose directory is there, and a run without the
        // file would be silently missing from the table.
        return $"to train that run again, delete its directory {ResumeAdvice.RunDirectoryOf(path)} and run the sweep's pipeline with " +
            "`pipeline run FILE --resume` (or resubmit it); with its directory kept, --resume skips a completed run";
    }

    /// <summary>The directory holding the analysis/ folder of <paramref name="path"/>.</summary>
    static string SweepOfAnalysis(string path) => Path.GetDirectoryName(Path.GetDirectoryName(path)!)!;
}
