namespace Retention.Tests.Host;

/// <summary>
/// A bench recording its figures onto a full disk, for real (a small tmpfs in a private mount namespace, as DiskFullTests
/// does): one line names the record it could not write, not the hidden file it is written as first
/// (`.synthetic-TIME-PID-GUID.pending.tmp`); the earlier record stays, and nothing is left beside it.
/// </summary>
public class BenchDiskFullTests() : InTempFolder("bench-disk-full-")
{
    [Fact]
    public void A_full_disk_fails_a_bench_naming_its_record_and_keeps_the_earlier_one()
    {
        var bench = $"{CliProcess.CommandLine} bench synthetic --widths 4 --steps 20 --tasks 4 --dims-per-task 4 --batch-size 16 --artifacts disk";
        var script = string.Join(" ; ",
            "mkdir -p disk && mount -t tmpfs -o size=64k tmpfs disk || exit 99",
            $"{bench} > b1.out 2>&1; echo \"first-exit=$?\"",
            "(cd disk/bench && md5sum * > ../../bench.md5)",
            "dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null",
            $"{bench} > b.out 2> b.err; echo \"exit=$?\"",
            "echo \"error=$(cat b.err)\"; echo \"error-lines=$(wc -l < b.err)\"",
            "(cd disk/bench && md5sum --quiet -c ../../bench.md5 && echo \"kept=$(ls -A | wc -l) files\")");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("first-exit=0", output);
        Assert.Contains("exit=1", output);
        Assert.Contains("error-lines=1", output);
        Assert.Matches(@"error=error: cannot write disk/bench/synthetic-\d{8}-\d{6}\.arrow: .*No space left on device.* — the disk is full: ", output);
        Assert.Contains("kept=1 files", output);
    }
}
