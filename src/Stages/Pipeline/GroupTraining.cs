using Retention.Spec;

namespace Retention.Pipeline;

/// <summary>
/// Trains one group of a sweep (runs that train together: one batched synthetic graph, or one OLMo or data run) and
/// records how each of its runs ended: status.json and provenance.json in its folder, and the display.
/// </summary>
static class GroupTraining
{
    public static async Task<IReadOnlyList<(string, RunStatus)>> RunAsync(SweepAttempt sweep, IReadOnlyList<RunPlan> group, CancellationToken token)
    {
        var progress = sweep.Progress;
        var first = group[0];
        var cells = group.Select(run => new GraphCell(run.RunId, run.Spec, sweep.RunDir(run.RunId))).ToList();
        progress.GroupStarted([.. group.Select(r => r.RunId)], first.Spec.TrainsModel);
        foreach (var run in group) progress.RunStarted(run.RunId, sweep.PositionOf(run.RunId), sweep.Runs.Count, run.Spec.Train.Steps);
        RunStatus status;
        // How documents without ids are named is the run's from its first attempt: a resume keeps it (read before
        // this attempt's provenance replaces the earlier one), so the held-out split never changes mid-run.
        var earlierOf = cells.ToDictionary(c => c.RunId, c => sweep.Resume ? SweepContract.ReadProvenance(c.RunDir) : null);
        var earlier = first.Spec.Data is not null ? earlierOf[first.RunId] : null;
        var dataRoot = first.Spec.Data is null ? null : Path.GetFullPath(sweep.DataDirectory);
        var (ids, absoluteIdsFrom) = dataRoot is null ? (null, null) : DocumentIdScheme.For(earlier, dataRoot, sweep.RunDir(first.RunId));
        if (absoluteIdsFrom is not null)
            progress.Note($"{first.RunId}: documents without an id keep the ids it started with, absolute paths under {absoluteIdsFrom} " +
                "(it first trained before ids were relative paths), so its held-out split does not change");
        var shared = Provenance(first.Spec, dataRoot, ids, absoluteIdsFrom);
        var provenanceOf = cells.ToDictionary(c => c.RunId, c => shared with { EarlierAttempts = earlierOf[c.RunId]?.History() });
        if (earlierOf[first.RunId] is { } before && before.Version != shared.Version)
            progress.Warning($"{first.RunId}: trained so far by version {before.Version}, continued by {shared.Version}: its steps from " +
                "the checkpoint on are computed by this version (results can differ from an uninterrupted run's, by float rounding " +
                "or more); provenance.json lists each attempt's version");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var steps = new StepTracker(progress);
        foreach (var cell in cells)
        {
            Directory.CreateDirectory(cell.RunDir);
            RunStatusFile.Remove(cell.RunDir);
            await SweepContract.WriteAsync(cell.RunDir, provenanceOf[cell.RunId]);
        }
        try
        {
            foreach (var (run, cell) in group.Zip(cells)) await RunHeader.WriteAsync(run, cell.RunDir, sweep.SweptSchema, shared.Device);
            status = sweep.Pipeline.Spec.Experiment switch
            {
                "olmo" => await OlmoRunGraph.RunAsync(cells[0], sweep.DataDirectory, steps, token, sweep.Resume, absoluteIdsFrom, earlier?.DataDirectory),
                "data" => await DataRunGraph.RunAsync(cells[0], sweep.DataDirectory, steps, token, sweep.Resume, absoluteIdsFrom),
                _ => await SyntheticRunGraph.RunAsync(cells, steps, token, sweep.Resume),
            };
        }
        catch (Exception e) when (token.IsCancellationRequested && GroupFailure.IsCancellation(e))
        {
            // Stopped before training started (e.g. while the validation set was read): a stop, not a failure.
            status = new RunStatus("interrupted", steps.LastStep(cells[0].RunId), clock.Elapsed.TotalSeconds);
        }
        catch (Exception e)
        {
            // The cells of a group stop together; every one records the error and the last step it reached.
            // A failure of the machine around the run (a shard server down, a disk) leaves its checkpoint good: say so.
            var resumable = GroupFailure.ResumableNote(e, sweep.Pipeline.Spec.Experiment, cells[0].RunDir);
            var error = (Training.TorchLoading.Explain(e) ?? e.Message) + resumable;
            var culprit = cells.FirstOrDefault(c => c.RunId == GroupFailure.Culprit(e));
            Exception? unrecorded = null;
            foreach (var cell in cells)
            {
                var end = Ended(cell, new RunStatus("failed", steps.LastStep(cell.RunId), clock.Elapsed.TotalSeconds,
                    culprit is null || cell == culprit ? error : GroupFailure.StoppedWithGroup(culprit.RunId, error)), steps);
                // The training's error is what the user must see: a record that cannot be written (the same full disk, say)
                // must not replace it, nor keep the group's other runs from being recorded; it is said after the error.
                try { await RecordAsync(cell, end, provenanceOf[cell.RunId]); }
                catch (Exception write) { unrecorded ??= write; }
                progress.RunFinished(cell.RunId, end);
            }
            var blamed = culprit ?? cells[0];
            throw new PipelineRunException(blamed.RunId, blamed.RunDir, e, resumable + GroupFailure.UnrecordedNote(unrecorded));
        }
        var ends = new List<(string, RunStatus)>();
        foreach (var cell in cells)
        {
            var end = Ended(cell, status, steps);
            await RecordAsync(cell, end, provenanceOf[cell.RunId]);
            progress.RunFinished(cell.RunId, end);
            ends.Add((cell.RunId, end));
        }
        return ends;
    }

    /// <summary>What the group's runs record of where and how this attempt trains them (<paramref name="dataRoot"/>: the
    /// absolute folder their data paths resolve against; null for a synthetic run).</summary>
    static SweepContract.Provenance Provenance(PipelineSpec spec, string? dataRoot, string? ids, string? absoluteIdsFrom)
    {
        // Where the run trained: `auto` is recorded as the device it picks here (as model.arrow's), not as the setting. A
        // data run trains nothing and loads no LibTorch to ask.
        var started = SweepContract.Start(spec.TrainsModel && spec.Device == "auto" ? Training.Devices.Resolve(spec.Device).ToString() : spec.Device);
        // One listing of the data's files both hashed and kept, so the fingerprint is that of the list beside it.
        var files = spec.Data is { } data ? DataFingerprint.Files(data, dataRoot!) : null;
        return started with
        {
            DataDirectory = dataRoot,
            DataFingerprint = files is null ? null : DataFingerprint.Of(files),
            DataFiles = files,
            DocumentIds = ids,
            AbsoluteIdsFrom = absoluteIdsFrom,
        };
    }

    /// <summary>A cell's end as it is recorded: with the step its attempt started after, and a completed run's tables.</summary>
    static RunStatus Ended(GraphCell cell, RunStatus end, StepTracker steps)
    {
        if (steps.StartedAfter(cell.RunId) is { } from) end = end with { FromStep = from };
        if (end.State == "completed") end = end with { Tables = CompletedRunTables.Recorded(cell.Spec, cell.RunDir) };
        return end;
    }

    /// <summary>Writes a cell's status.json and finished provenance, where its directory is.</summary>
    static async Task RecordAsync(GraphCell cell, RunStatus end, SweepContract.Provenance provenance)
    {
        if (!Directory.Exists(cell.RunDir)) return;
        await RunStatusFile.WriteAsync(cell.RunDir, end);
        await SweepContract.WriteAsync(cell.RunDir, provenance with { Finished = DateTime.UtcNow.ToString("o"), State = end.State, FromStep = end.FromStep });
    }
}
