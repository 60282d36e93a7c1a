namespace Retention.Spec;

/// <summary>A pipeline file's text: a missing, unreadable or non-UTF-8 file is a SpecError, not an exception of the
/// file system or a replacement character.</summary>
internal static class PipelineFile
{
    public static string ReadText(string path)
    {
        try
        {
            return DecodeUtf8(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            // A relative path is read from where the command runs, not from the repository (pipelines/x.yaml from another folder).
            throw new SpecException(new SpecError(path, 0, 0, "", Path.IsPathRooted(path) ? "file not found"
                : $"file not found (a relative path is read from the current folder, {Directory.GetCurrentDirectory()})"));
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw new SpecException(new SpecError(path, 0, 0, "", "is a folder; give a pipeline file (e.g. pipelines/synthetic-capacity.yaml)"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SpecException(new SpecError(path, 0, 0, "", $"cannot read the file: {e.Message}"));
        }
    }

    /// <summary>The file's text; bytes that are not UTF-8 are an error at their line and column (a
    /// replacement character would silently change a name or a path).</summary>
    private static string DecodeUtf8(byte[] bytes, string path)
    {
        var input = bytes.AsSpan(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0);
        var chars = new char[input.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(input, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done) return new string(chars, 0, written);
        var before = chars.AsSpan(0, written);
        int line = before.Count('\n') + 1, column = written - before.LastIndexOf('\n');
        var bad = read < input.Length ? $" (byte 0x{input[read]:X2})" : " (it ends inside a character)";
        throw new SpecException(new SpecError(path, line, column, "", $"the file is not valid UTF-8{bad}; save it as UTF-8"));
    }
}
