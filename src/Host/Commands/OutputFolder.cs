namespace Retention.Host.Commands;

/// <summary>Where `query --output` writes, checked before the query runs: a file in the way of a folder above the output
/// (`--output notes.txt/r.csv`) was found only when the result was written, after the query ran and printed, as .NET's
/// "The file '…' already exists." and exit 1.</summary>
public static class OutputFolder
{
    /// <summary>Why no folder can hold <paramref name="output"/>: a file where a folder above it goes; null when the nearest
    /// one above it that exists is a folder (those missing are made when the file is written).</summary>
    public static string? FileInTheWay(string output)
    {
        var full = Path.GetFullPath(output);
        for (var d = Path.GetDirectoryName(full); d is not null; d = Path.GetDirectoryName(d))
        {
            if (Directory.Exists(d)) return null;
            if (File.Exists(d))
                return $"--output {output}: '{d}' is a file where a folder on the output's path goes: name another --output, or move the file";
        }
        return null;
    }
}
