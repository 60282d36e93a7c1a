namespace Retention.Data.Corpus;

/// <summary>
/// What a data command killed while writing (<see cref="StagedOutput"/>) leaves beside its output folder, put
/// right by the next command that writes there: an unfinished new set is deleted; an earlier set left aside
/// mid-swap goes back in place when the new one never got there, and otherwise gives back the files that
/// were not the command's (its carry list) before it is deleted. Folders of a command that may still be
/// running (alive here, or named by another machine) are left alone and said.
/// </summary>
public static class InterruptedOutputs
{
    /// <summary>Puts right every staging folder beside <paramref name="target"/> that no running command owns; says each on <paramref name="log"/>.</summary>
    /// <param name="self">Who is about to write: its own names are leftovers too, of a call of this process that failed or of a
    /// killed process that had its host and pid (a restarted container numbers its processes alike), never of a running command.</param>
    public static void Recover(string target, StagingNames self, Action<string>? log)
    {
        // Earlier sets first: one put back in place makes its command's unfinished new set plain leftovers.
        foreach (var (path, kind, owner) in StagingNames.Beside(target).OrderBy(s => s.Kind == StagingNames.Replaced ? 0 : 1).ToList())
        {
            // Another command starting to write here at the same time may put the same leftovers right: what it took is
            // no error and no news. What stays and cannot be removed (permission denied) still is.
            if (!Directory.Exists(path)) continue;
            if (owner != self && owner.MayBeRunning())
            {
                log?.Invoke($"left {path} alone: {owner} may still be writing {target} (remove it once no command writes there" +
                    (owner.IsCutHostName ? $"; an earlier version named this machine {owner.Host} too, cutting host names at the first dot, so it may be this machine's or another's of that name" : "") + ")");
                continue;
            }
            try
            {
                if (kind == StagingNames.Partial)
                {
                    if (DeleteTree(path))
                        log?.Invoke($"removed {path}: the unfinished output of a command that was stopped ({owner}); {target} is as that command found it");
                }
                else Restore(path, target, owner, log);
            }
            catch (IOException) when (!Directory.Exists(path)) { }   // put right by the other command while this one was at it
        }
    }

    /// <summary>Deletes a leftover folder, which another command may be deleting too: an entry gone from under the walk is
    /// walked past again. Returns false when the folder was gone before this removed it.</summary>
    static bool DeleteTree(string path)
    {
        for (int walk = 1; ; walk++)
        {
            try
            {
                Directory.Delete(path, recursive: true);
                return true;
            }
            catch (IOException e) when (e is DirectoryNotFoundException or FileNotFoundException)
            {
                if (!Directory.Exists(path)) return false;
                if (walk == MaxWalks) throw;
            }
        }
    }

    /// <summary>Each walk of <see cref="DeleteTree"/> removes what the others left, so a few end it; more means entries keep vanishing
    /// for another reason, said by the error.</summary>
    const int MaxWalks = 10;

    static void Restore(string aside, string target, StagingNames owner, Action<string>? log)
    {
        var list = Path.Combine(aside, StagedOutput.CarryList);
        if (!Directory.Exists(target))
        {
            // Stopped before the new set was in place: the earlier set, still whole, goes back.
            File.Delete(list);
            File.Delete(list + ".tmp");   // killed while writing the list
            Directory.Move(aside, target);
            log?.Invoke($"restored {target} from {aside}: the command replacing it was stopped ({owner}) before its new files were in place");
            return;
        }
        if (!File.Exists(list))
        {
            if (!Directory.Exists(aside)) return;   // put right meanwhile by another command
            log?.Invoke($"left {aside} alone: it holds an earlier {target}, which now exists again; look through it and remove it");
            return;
        }
        // Stopped after the new set was in place: finish moving back what was not the command's.
        var carried = File.ReadAllLines(list).Where(n => n.Length > 0 && StagedOutput.EntryExists(Path.Combine(aside, n)) && !StagedOutput.EntryExists(Path.Combine(target, n))).ToList();
        foreach (var name in carried)
        {
            try { StagedOutput.MoveEntry(Path.Combine(aside, name), Path.Combine(target, name)); }
            catch (IOException) when (!StagedOutput.EntryExists(Path.Combine(aside, name)) && StagedOutput.EntryExists(Path.Combine(target, name))) { }   // moved by the other
        }
        DeleteTree(aside);
        log?.Invoke($"finished replacing {target}, which a stopped command ({owner}) left half done: " +
            (carried.Count > 0 ? $"moved {Messages.Counted.Of(carried.Count, "file")} not its own back in ({StagedOutput.Listing(carried)}), " : "") + $"removed {aside}");
    }
}
