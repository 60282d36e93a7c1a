using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `analyze` and `advise --output` writing onto a disk that fills, for real (a small tmpfs in a private mount namespace, as
/// DiskFullTests does), over earlier complete outputs: one line says the disk is full and names the file, the earlier outputs
/// stay readable byte for byte, and no .tmp is left taking the space. The disk holds the earlier outputs; a filler file leaves
/// 12-16 KB free, room for the small new tables but not for a plot (30-40 KB).
/// </summary>
public class AnalysisDiskFullTests() : InTempFolder("analysis-disk-full-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>Fills the tmpfs mounted at disk/, then frees <paramref name="kilobytes"/> KB of it.</summary>
    static string FillLeaving(int kilobytes) => $"dd if=/dev/zero of=disk/fill bs=4k 2>/dev/null; truncate -s -{kilobytes}k disk/fill";

    /// <summary>A plot that cannot be written left curve.png.tmp (half a PNG, on the full disk's space) in analysis/: the plot
    /// had its own tmp-and-rename, which removed nothing on failure.</summary>
    [Fact]
    public void A_full_disk_fails_analyze_at_the_plot_naming_it_keeps_the_earlier_outputs_and_leaves_no_tmp()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
            "train: {steps: 200, batch_size: 16, log_every: 20}",
            "sweep: {synthetic.width: [2, 4]}",
            "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT run, step, task, loss FROM metrics'}",
            "  plots:",
            "    - {name: curve, kind: line, sql: 'SELECT step, loss, run FROM metrics WHERE task = 0 ORDER BY step', x: step, y: loss, series: run}") + "\n");
        var first = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--artifacts", "done");
        Assert.True(first.Exit == 0, first.Err + first.Out);
        Assert.InRange(new FileInfo(Path.Combine(dir, "done", "syn", "analysis", "curve.png")).Length, 24_000, 200_000);

        var script = string.Join(" ; ",
            "mkdir -p disk && mount -t tmpfs -o size=400k tmpfs disk || exit 99",
            "cp -a done/syn disk/syn && (cd disk/syn/analysis && md5sum final.arrow curve.png > ../../../an.md5)",
            FillLeaving(16),
            $"{CliProcess.CommandLine} analyze disk/syn > a.out 2> a.err; echo \"exit=$?\"",
            "echo \"error=$(cat a.err)\"; echo \"error-lines=$(wc -l < a.err)\"",
            "echo \"leftover-tmp=$(find disk -name '*.tmp' | wc -l)\"",
            // The earlier plot was set aside (it would sit beside the new tables as theirs), whole; the table is the same.
            "cp disk/syn/previous/*/analysis/curve.png disk/syn/analysis/final.arrow . && md5sum --quiet -c an.md5 && echo kept=yes");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("exit=1", output);
        Assert.Contains("error-lines=1", output);
        Assert.Matches(@"error=error: .*plot 'curve': .*analysis/curve\.png.* — the disk is full: free space \(or write elsewhere\)", output);
        Assert.Contains("leftover-tmp=0", output);
        Assert.Contains("kept=yes", output);
    }

    /// <summary>`analyze` deleted the sweep's outcome.json as it started: the table written next took that freed space, the
    /// disk was full when it came to record its failure, and `status` said the analysis was stopped or killed. The outcome is
    /// now replaced (in place where the disk has no room for a new file), so `status` says it failed, and why.</summary>
    [Fact]
    public void Status_after_analyze_failed_on_a_full_disk_says_it_failed_and_why_not_that_it_was_killed()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 4, dims_per_task: 4, width: 4}",
            "train: {steps: 50, batch_size: 16, log_every: 10}",
            "sweep: {synthetic.width: [2, 4]}",
            "analysis:",
            "  tables:",
            "    - {name: final, sql: 'SELECT run, step, task, loss FROM metrics'}",
            "    - {name: again, sql: 'SELECT * FROM final'}") + "\n");
        var first = CliProcess.Run(dir, Limit, "run", "syn.yaml", "--artifacts", "done");
        Assert.True(first.Exit == 0, first.Err + first.Out);

        var script = string.Join(" ; ",
            "mkdir -p disk && mount -t tmpfs -o size=400k tmpfs disk || exit 99",
            // Tables the earlier analysis did not write (each a page of the tmpfs), onto a disk with no page free.
            "cp -a done/syn disk/syn && rm disk/syn/analysis/*.arrow",
            FillLeaving(0),
            $"{CliProcess.CommandLine} analyze disk/syn > a.out 2> a.err; echo \"exit=$?\"",
            $"{CliProcess.CommandLine} status disk/syn > s.out 2>&1; echo \"status-exit=$?\"",
            "echo \"status=$(grep analysis: s.out)\"");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("exit=1", output);
        Assert.Contains("status-exit=1", output);
        Assert.DoesNotContain("interrupted", output);
        Assert.Matches(@"status=analysis: failed: .*analysis table '(final|again)': cannot write \S*disk/syn/analysis/(final|again)\.arrow: No space left on device", output);
    }

    /// <summary>`advise --output` copied its files into the folder one by one: the disk filling at the plot left the new tables
    /// beside the earlier plot (README: "one folder never mixes two advices"; "a failing one writes nothing"), and the error
    /// ("No space left on device") named no file. Into a new folder it left the folder behind, empty (and into a/b/c, a/b).</summary>
    [Fact]
    public void A_full_disk_fails_advise_naming_the_file_and_leaves_the_earlier_advice_as_it_was()
    {
        var pipeline = RepoFiles.Pipeline("synthetic-residual.yaml");
        var script = string.Join(" ; ",
            "mkdir -p disk && mount -t tmpfs -o size=400k tmpfs disk || exit 99",
            $"{CliProcess.CommandLine} advise {pipeline} --output disk/adv > /dev/null 2>&1; echo \"first-exit=$?\"",
            "(cd disk/adv && md5sum * > ../../adv.md5); echo \"earlier=$(ls disk/adv | wc -l) files\"",
            FillLeaving(12),
            // Another advice (the cpu profile's widths): its tables differ from the earlier ones, its plot does not fit.
            $"{CliProcess.CommandLine} advise {pipeline} --profile cpu --output disk/adv > a.out 2> a.err; echo \"exit=$?\"",
            "echo \"error=$(cat a.err)\"; echo \"error-lines=$(wc -l < a.err)\"",
            "(cd disk/adv && md5sum --quiet -c ../../adv.md5 && echo \"kept=$(ls -A | wc -l) files\")",
            // Nor the new folders above it (--output a/b/c made a, b and c).
            $"{CliProcess.CommandLine} advise {pipeline} --output disk/made/deeper/fresh > /dev/null 2>&1; echo \"fresh-exit=$?\"",
            "echo \"fresh-exists=$(test -e disk/made && echo yes || echo no)\"",
            "echo \"leftover-tmp=$(find disk -name '*.tmp' | wc -l)\"");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("first-exit=0", output);
        Assert.Contains("earlier=3 files", output);   // two tables and the plot
        Assert.Contains("exit=1", output);
        Assert.Contains("error-lines=1", output);
        Assert.Matches(@"error=error: cannot write \S*disk/adv/advice[_a-z]*\.(arrow|png): No space left on device.* — the disk is full: ", output);
        Assert.Contains("kept=3 files", output);      // byte for byte, nothing beside them
        Assert.Contains("fresh-exit=1", output);
        Assert.Contains("fresh-exists=no", output);
        Assert.Contains("leftover-tmp=0", output);
    }
}
