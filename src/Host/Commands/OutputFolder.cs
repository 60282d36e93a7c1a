namespace Retention.Host.Commands;

/// <summary>Where a command writes (`query --output`, `probe`/`advise --output`, `data ... --out`), checked before any work: a
/// file in the way of a folder above the output (`--output notes.txt/r.csv`) was found only when the output was written, after
/// the query ran and printed (or the data was read), as .NET's "The file '…' already exists." and exit 1.</summary>
public static class OutputFolder
{
    /// <summary>Why <paramref name="output"/>, the folder a command writes <paramref name="holds"/> into, cannot be one: a file
    /// is there (found only at the first write), or where a folder above it goes (<see cref="FileInTheWay"/>); null otherwise.</summary>
    public static string? NotAFolder(string output, string holds) =>
        File.Exists(output) ? $"--output {output}: is a file; --output takes a folder for {holds}" : FileInTheWay(output);

    /// <summary>Why no folder can hold <paramref name="output"/>: a file where a folder above it goes; null when the nearest
    /// one above it that exists is a folder (those missing are made when the file is written).</summary>
    /// <param name="option">The option that names the output, as the message repeats it.</param>
    public static string? FileInTheWay(string output, string option = "--output")
    {
        var full = Path.GetFullPath(output);
        for (var d = Path.GetDirectoryName(full); d is not null; d = Path.GetDirectoryName(d))
        {
            if (Directory.Exists(d)) return null;
            if (File.Exists(d))
                return $"{option} {output}: '{d}' is a file where a folder on the output's path goes: name another {option}, or move the file";
        }
        return null;
    }
}
