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

        var second = ProbeTarget.ClaimDefaultOutput(dir, Second.AddMilliseconds(300));
        Assert.Equal(Path.Combine(Scans, "20261203-054107-2"), second);
        Assert.True(Directory.Exists(second));   // made now: a scan started while this one runs does not take it
        Assert.Empty(Directory.GetFileSystemEntries(second));
        // One started while the second still runs (its folder still empty) takes the next number, not the second's folder.
        Assert.Equal(Path.Combine(Scans, "20261203-054107-3"), ProbeTarget.ClaimDefaultOutput(dir, Second));
        Assert.Equal("earlier scan", File.ReadAllText(Path.Combine(earlier, "das.arrow")));
        // Another second is not numbered, and nothing but the scans' folders is left in scans/.
        Assert.Equal(Path.Combine(Scans, "20261203-054108"), ProbeTarget.ClaimDefaultOutput(dir, Second.AddSeconds(1)));
        Assert.Equal(4, Directory.GetFileSystemEntries(Scans).Length);
    }

    [Fact]
    public async Task Scans_started_at_once_in_the_same_second_each_get_a_folder_of_their_own()
    {
        const int scans = 8;
        var folders = await Task.WhenAll(Enumerable.Range(0, scans).Select(_ => Task.Run(() => ProbeTarget.ClaimDefaultOutput(dir, Second))));
        Assert.Equal(scans, folders.Distinct().Count());
        Assert.Equal(folders.Order(StringComparer.Ordinal), Directory.GetFileSystemEntries(Scans).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_scan_that_wrote_nothing_leaves_no_empty_folder_and_one_that_wrote_keeps_its_own()
    {
        var failed = ProbeTarget.ClaimDefaultOutput(dir, Second);
        var written = ProbeTarget.ClaimDefaultOutput(dir, Second);
        File.WriteAllText(Path.Combine(written, "das.arrow"), "rows");
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(failed);
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(written);
        Retention.Artifacts.EmptyFolder.RemoveIfEmpty(null);   // --output given: nothing was claimed
        Assert.False(Directory.Exists(failed));
        Assert.Equal("rows", File.ReadAllText(Path.Combine(written, "das.arrow")));
    }
}
