using Retention.Artifacts;
using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// An earlier run moved to a new id of its sweep (<see cref="SweepContract.Renamed"/>: the sweep gained a key, the run's
/// spec is the same), with the files the move rewrites as they were before it (by their paths in the run's folder; null:
/// not there), so that a failure after the move (a full disk while the header is written) puts it back as it was.
/// `run --resume` and `submit` adopt runs so; an interrupted one continues from its checkpoint.
/// </summary>
public sealed record AdoptedRun(string FromDir, string ToDir, IReadOnlyDictionary<string, byte[]?> Rewritten)
{
    /// <summary>Moves the earlier run <paramref name="fromId"/> to <paramref name="to"/>'s id, writes its header anew (its
    /// swept values name the new keys) and renames the runs its synthetic checkpoint names by <paramref name="newIds"/>
    /// (earlier id → new id, of every run adopted with it). Undone when any of it fails.</summary>
    public static async Task<AdoptedRun> AdoptAsync(string sweepDir, string fromId, RunPlan to, LoadedPipeline pipeline,
        IReadOnlyDictionary<string, string> newIds)
    {
        var (fromDir, toDir) = (ArtifactLayout.RunDir(sweepDir, fromId), ArtifactLayout.RunDir(sweepDir, to.RunId));
        SweepLock.ThrowIfHeld(fromDir);   // a cluster task training it: moving it would split the run
        static string Checkpoint(string runDir) => Training.CheckpointFolder.Current(Training.CheckpointFolder.Of(runDir));
        var cells = Path.GetRelativePath(fromDir, Synthetic.SyntheticTrainer.CellsFile(Checkpoint(fromDir)));
        var rewritten = PipelineRunner.HeaderFiles.Append(cells).ToDictionary(f => f,
            f => File.Exists(Path.Combine(fromDir, f)) ? File.ReadAllBytes(Path.Combine(fromDir, f)) : null);
        Directory.Move(fromDir, toDir);
        var adopted = new AdoptedRun(fromDir, toDir, rewritten);
        try
        {
            // The device it trained on stays its own (provenance.json's), not this machine's pick for `auto`.
            await PipelineRunner.WriteHeaderAsync(to, toDir, SweptValues.SchemaOf(pipeline.Swept), SweepContract.ReadProvenance(toDir)?.Device);
            Synthetic.SyntheticTrainer.RenameCells(Checkpoint(toDir), newIds);
        }
        catch { await adopted.UndoAsync(); throw; }
        return adopted;
    }

    /// <summary>Puts the run back under its earlier id with those files as they were (files the move added removed).</summary>
    public async Task UndoAsync()
    {
        foreach (var (file, bytes) in Rewritten)
        {
            var path = Path.Combine(ToDir, file);
            if (bytes is not null) await AtomicFile.WriteBytesAsync(path, bytes);
            else if (File.Exists(path)) File.Delete(path);
        }
        Directory.Move(ToDir, FromDir);
    }
}
