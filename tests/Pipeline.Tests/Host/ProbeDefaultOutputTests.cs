using Retention.Host.Commands;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline probe RUN` without --output writes to RUN/scans/&lt;local time to the second&gt;. Two scans started in the same
/// second (several run side by side with --threads 1, as the README suggests) took the same folder: it was checked to be
/// empty only before the model loaded and made only when the tables were written, so both passed the check and the later
/// one's tables replaced the earlier one's, both printing "written:" with that folder.
/// </summary>
public sealed class ProbeDefaultOutputTests() : InTempFolder("probe-output-")
{
    static readonly DateTime Second = new(2026, 12, 3, 5, 41, 7, DateTimeKind.Local);

    string Scans => Path.Combine(dir, "scans");

    [Fact]
    public void A_scan_in_the_same_second_as_another_gets_a_numbered_folder_of_its_own()
    {
        // An earlier scan's folder with its tables, as the first scan of that second leaves it.
        var earlier = Directory.CreateDirectory(Path.Combine(Scans, "20261203-054107")).FullName;
        File.WriteAllText(Path.Combine(earlier, "das.arrow"), "earlier scan");

        using var second = ProbeTarget.ClaimDefaultOutput(dir, Second.AddMilliseconds(300));
        Assert.Equal(Path.Combine(Scans, "20261203-054107-2"), second.Folder);
        Assert.True(Directory.Exists(second.Folder));   // made now: a scan started while this one runs does not take it
        Assert.Equal([".lock", ".lock.owner"], Directory.GetFileSystemEntries(second.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        // One started while the second still runs (its folder still without tables) takes the next number, not the second's folder.
        using var third = ProbeTarget.ClaimDefaultOutput(dir, Second);
        Assert.Equal(Path.Combine(Scans, "20261203-054107-3"), third.Folder);
        Assert.Equal("earlier scan", File.ReadAllText(Path.Combine(earlier, "das.arrow")));
        // Another second is not numbered, and nothing but the scans' folders is left in scans/.
        using var next = ProbeTarget.ClaimDefaultOutput(dir, Second.AddSeconds(1));
        Assert.Equal(Path.Combine(Scans, "20261203-054108"), next.Folder);
        Assert.Equal(4, Directory.GetFileSystemEntries(Scans).Length);
    }

    /// <summary>A scan started in the second a killed one did took the killed one's name once it had removed it: "removed X",
    /// then "written: X", two scans said as one (the fresh-clone suite's killed-scan test met it on a quiet machine).</summary>
    [Fact]
    public void A_scan_started_in_the_second_a_killed_one_did_takes_a_name_of_its_own_and_removes_the_killed_ones()
    {
        // What a SIGKILLed scan leaves: its folder with the lock's files, which no process holds.
        var killed = Directory.CreateDirectory(Path.Combine(Scans, "20261203-054107")).FullName;
        File.WriteAllText(Path.Combine(killed, ".lock"), "");
        File.WriteAllText(Path.Combine(killed, ".lock.owner"), "pid 1 on host since then (probe)\n");
        var notes = new List<string>();
        using var next = ProbeTarget.ClaimDefaultOutput(dir, Second.AddMilliseconds(500), notes.Add);
        Assert.Equal(Path.Combine(Scans, "20261203-054107-2"), next.Folder);
        Assert.False(Directory.Exists(killed));
        Assert.StartsWith($"removed {killed}, which a probe", Assert.Single(notes));
        Assert.Equal([next.Folder], Directory.GetDirectories(Scans));
    }

    [Fact]
    public async Task Scans_started_at_once_in_the_same_second_each_get_a_folder_of_their_own()
    {
        const int scans = 8;
        var folders = await Task.WhenAll(Enumerable.Range(0, scans).Select(_ => Task.Run(() => ProbeTarget.ClaimDefaultOutput(dir, Second))));
        Assert.Equal(scans, folders.Select(f => f.Folder).Distinct().Count());
        Assert.Equal(folders.Select(f => f.Folder).Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(Scans).Order(StringComparer.Ordinal));
        foreach (var f in folders) f.Dispose();
    }

    [Fact]
    public void A_scan_that_wrote_nothing_leaves_no_empty_folder_and_one_that_wrote_keeps_its_own()
    {
        var failed = ProbeTarget.ClaimDefaultOutput(dir, Second);
        var written = ProbeTarget.ClaimDefaultOutput(dir, Second);
        File.WriteAllText(Path.Combine(written.Folder, "das.arrow"), "rows");
        failed.Dispose();   // the scan ended: its lock's files go
        written.Dispose();
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(failed.Folder);
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(written.Folder);
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(null);   // --output given: nothing was claimed
        Assert.False(Directory.Exists(failed.Folder));
        Assert.Equal(["das.arrow"], Directory.GetFileSystemEntries(written.Folder).Select(Path.GetFileName));
        Assert.Equal("rows", File.ReadAllText(Path.Combine(written.Folder, "das.arrow")));
    }

    /// <summary>A folder as a SIGKILLed probe leaves it: its lock's files, no live holder.</summary>
    string Killed(string name, params string[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(Scans, name)).FullName;
        Retention.Artifacts.SweepLock.Acquire(folder, Retention.Artifacts.SweepLock.ForProbe).Dispose();
        foreach (var file in files) File.WriteAllText(Path.Combine(folder, file), "");
        return folder;
    }

    [Fact]
    public void A_scan_removes_the_folders_killed_scans_left_and_nothing_of_a_running_or_finished_one()
    {
        using var running = ProbeTarget.ClaimDefaultOutput(dir, Second);
        var killed = Killed("20261203-054100");
        var killedWriting = Killed("20261203-054101", "das.arrow.tmp");
        var finished = Killed("20261203-054102", "das.arrow", "fourier.arrow.tmp");   // killed as it put its tables in place
        var empty = Directory.CreateDirectory(Path.Combine(Scans, "20261203-054103")).FullName;   // killed before scans had locks
        var notes = new List<string>();

        using var next = ProbeTarget.ClaimDefaultOutput(dir, Second.AddSeconds(1), notes.Add);
        Assert.Equal([finished, running.Folder, next.Folder], Directory.GetDirectories(Scans).Order(StringComparer.Ordinal));
        Assert.Equal(["das.arrow"], Directory.GetFileSystemEntries(finished).Select(Path.GetFileName));
        Assert.True(Retention.Artifacts.SweepLock.IsHeld(running.Folder));
        Assert.Equal(3, notes.Count);
        Assert.Contains(notes, n => n.StartsWith($"removed {killed}, which a probe (pid {Environment.ProcessId} on ", StringComparison.Ordinal)
            && n.EndsWith(") that was killed left without tables", StringComparison.Ordinal));
        Assert.Contains($"removed {empty}, which a probe that was killed left without tables", notes);
    }
}
