
namespace Retention.Tests.Host;

/// <summary>
/// `probe --output DIR --overwrite` onto a disk that fills, for real (a small tmpfs in a private mount namespace, as DiskFullTests
/// does), over an earlier scan: the scan fails with one line naming the file that did not fit, and the folder still holds the
/// earlier scan byte for byte. The tables were put in place one by one, so the new das.arrow (3 KB) replaced the earlier one and
/// then fourier.arrow (over 20 KB) did not fit: a query of the folder read one scan's DAS rows with another's Fourier rows.
/// A scan into a new --output folder that failed so left the folder behind, empty; into --output a/b/c, with a, b and c new, it
/// left a/b behind.
/// </summary>
[Collection("probed-run")]
public sealed class ProbeDiskFullTests(ProbedRun trained) : InTempFolder("probe-disk-full-")
{
    [Fact]
    public void A_full_disk_fails_probe_overwrite_naming_the_file_and_leaves_the_earlier_scan_as_it_was()
    {
        // The probe tests' run (a copy): DAS at 5 steps a site, as what is checked here is the writing of the tables.
        var runDir = trained.CopyTo(dir);
        const string das = "--set probes.das.steps=5";

        string Probe(string layers, string more) => $"{CliProcess.CommandLine} probe {runDir} --layers {layers} --output disk/scan {more}";
        var script = string.Join(" ; ",
            "mkdir -p disk && mount -t tmpfs -o size=400k tmpfs disk || exit 99",
            $"{Probe("0,1", das)} > /dev/null 2>&1; echo \"first-exit=$?\"",
            "(cd disk/scan && md5sum * > ../../scan.md5); echo \"earlier=$(ls disk/scan | tr '\\n' ' ')\"",
            "echo \"fourier-bytes=$(stat -c %s disk/scan/fourier.arrow)\"",
            "dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null; truncate -s -8k disk/fill",
            $"{Probe("0", $"{das} --overwrite")} > p.out 2> p.err; echo \"exit=$?\"",
            "echo \"error=$(cat p.err)\"; echo \"error-lines=$(wc -l < p.err)\"",
            "(cd disk/scan && md5sum --quiet -c ../../scan.md5 && echo \"kept=$(ls -A | wc -l) files\")",
            "echo \"leftover-tmp=$(find disk -name '*.tmp*' | wc -l)\"",
            // Into a new folder: the failed scan does not leave it behind, empty, nor the new folders above it; a folder that
            // was there before stays.
            $"{CliProcess.CommandLine} probe {runDir} --layers 0 {das} --output disk/made/deeper/fresh > /dev/null 2>&1; echo \"fresh-exit=$?\"",
            "echo \"fresh-exists=$(test -e disk/made && echo yes || echo no)\"",
            "mkdir disk/kept",
            $"{CliProcess.CommandLine} probe {runDir} --layers 0 {das} --output disk/kept/new/fresh > /dev/null 2>&1; echo \"kept-exit=$?\"",
            "echo \"kept=$(ls -A disk/kept | wc -l) entries\"");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("first-exit=0", output);
        Assert.Contains("earlier=das.arrow fourier.arrow", output);
        Assert.Matches(@"fourier-bytes=([3-9]\d|\d{3,})\d{3}\b", output);   // 30 KB or more: a layer's rows (half of it) do not fit 8 KB
        Assert.Contains("exit=1", output);
        Assert.Contains("error-lines=1", output);
        Assert.Contains("kept=2 files", output);   // byte for byte, nothing beside them
        Assert.Matches(@"error=error: cannot write \S*disk/scan/fourier\.arrow: .*No space left on device.* — the disk is full: ", output);
        Assert.Contains("leftover-tmp=0", output);
        Assert.Contains("fresh-exit=1", output);
        Assert.Contains("fresh-exists=no", output);
        Assert.Contains("kept-exit=1", output);
        Assert.Contains("kept=0 entries", output);
    }
}
