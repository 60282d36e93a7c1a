using System.Text.Json;
using Retention.Artifacts;

namespace Retention.Pipeline;

/// <summary>
/// What an OLMo run's checkpoint holds beside its weights, written last into it: the files saved with the tables' rows
/// (the data-quality log, the stage times) and, per table (by file name), the last part sealed with it. A resume holds
/// the run to it, since a file deleted since would otherwise pass unseen: a missing last part looks like a table that had
/// no rows since the part before, a missing log like a checkpoint of an older version, and the run would complete
/// without those rows. Checkpoints written before the manifest existed have none and resume as before.
/// </summary>
public sealed record CheckpointManifest(IReadOnlyList<string> Files, IReadOnlyDictionary<string, int> SealedParts)
{
    public const string File = "manifest.json";

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Writes the manifest into <paramref name="checkpointDir"/> (atomically: a kill leaves none or all of it).</summary>
    public void Write(string checkpointDir) => AtomicFile.WriteText(Path.Combine(checkpointDir, File), JsonSerializer.Serialize(this, Json));

    /// <summary>The manifest of <paramref name="checkpointDir"/>, after checking that every file it lists is there;
    /// null for a checkpoint without one (an older version's).</summary>
    /// <exception cref="ArtifactException">The manifest cannot be read, or a file it lists is gone.</exception>
    public static CheckpointManifest? Require(string checkpointDir)
    {
        var path = Path.Combine(checkpointDir, File);
        if (!System.IO.File.Exists(path)) return null;
        CheckpointManifest? manifest;
        try { manifest = JsonSerializer.Deserialize<CheckpointManifest>(System.IO.File.ReadAllText(path), Json); }
        catch (JsonException e)
        {
            throw new ArtifactException(path, $"cannot be read ({e.Message}): restore it, or {ResumeAdvice.TrainAfresh(path)}", e);
        }
        if (manifest is not { Files: not null, SealedParts: not null })
            throw new ArtifactException(path, $"does not list the checkpoint's files and sealed parts: restore it, or {ResumeAdvice.TrainAfresh(path)}");
        foreach (var name in manifest.Files)
        {
            var file = Path.Combine(checkpointDir, name);
            if (!System.IO.File.Exists(file))
                throw new ArtifactException(file, $"is missing from the checkpoint, which was saved with it ({File} lists it): the rows it " +
                    $"held up to the checkpoint would be lost; restore it, or {ResumeAdvice.TrainAfresh(file)}");
        }
        return manifest;
    }

    /// <summary>Throws where a table of <paramref name="runDir"/> lacks a part this checkpoint (at <paramref name="step"/>) was
    /// saved with, as a resume would (<see cref="ArrowTableWriter.RequireSealedParts"/>); for `status`, which reads no schema.</summary>
    public void RequireParts(string runDir, long step)
    {
        foreach (var (table, part) in SealedParts) ArrowTableWriter.RequireSealedParts(Path.Combine(runDir, table), step, part);
    }
}
