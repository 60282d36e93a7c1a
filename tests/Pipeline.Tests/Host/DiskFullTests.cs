namespace Retention.Tests.Host;

/// <summary>
/// A full disk, for real: the artifacts go to a small tmpfs mounted in a private mount namespace
/// (`unshare`; as root, or as a user through a user namespace), so nothing outside the test sees it.
/// The whole scenario runs inside the namespace (its mount disappears with it) and prints what it saw.
/// </summary>
public class DiskFullTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("disk-full-").FullName;
    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void A_full_disk_ends_the_run_with_one_clear_line_keeps_every_complete_file_readable_and_resume_finishes_it()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), string.Join('\n',
            "name: syn", "synthetic: {tasks: 8, dims_per_task: 8, width: 4}",
            "train: {steps: 4000, batch_size: 32, log_every: 10}",
            "sweep: {synthetic.frequency_exponent: [0.5, 1.0, 1.5, 2.0]}") + "\n");
        // Each run writes about 190 KB, so 700 KB fills during the fourth.
        var pipeline = $"dotnet {CliProcess.Dll}";
        var script = string.Join(" ; ",
            "mkdir -p out && mount -t tmpfs -o size=700k tmpfs out || exit 99",
            $"{pipeline} run syn.yaml --no-analysis --artifacts out --jobs 1 > run.out 2> run.err; echo \"exit=$?\"",
            "echo \"stderr-lines=$(wc -l < run.err)\"; cat run.err",
            "echo \"leftover-tmp=$(find out -name '*.tmp' | wc -l)\"",
            $"{pipeline} query out/syn 'SELECT count(DISTINCT run) AS runs, count(*) AS rows FROM metrics'",
            // A query's result written to the full disk: a failed write, said once, nothing half-written left.
            $"{pipeline} query out/syn 'SELECT * FROM metrics' --output out/all.csv > q.out 2> q.err; echo \"query-output-exit=$?\"",
            "echo \"query-error=$(cat q.err)\"; echo \"query-leftovers=$(find out -name 'all.csv*' | wc -l)\"",
            "mount -o remount,size=20m out",
            $"{pipeline} run syn.yaml --no-analysis --artifacts out --jobs 1 --resume > resume.out 2>&1; echo \"resume-exit=$?\"",
            $"{pipeline} query out/syn 'SELECT count(DISTINCT run) AS runs, count(*) AS rows FROM metrics'",
            // The catalog cache a query could not create on the full disk is made once there is room.
            "echo \"catalog-bytes=$(stat -c %s out/syn/catalog.duckdb)\"",
            // A read-only sweep is not \"in use by another process\".
            "mount -o remount,ro out",
            $"{pipeline} run syn.yaml --no-analysis --artifacts out --jobs 1 --resume > ro.out 2> ro.err; echo \"ro-exit=$?\"; echo \"ro-error=$(cat ro.err)\"");
        var output = PrivateMounts.Run(dir, script);

        Assert.Contains("exit=1", output);
        Assert.Contains("stderr-lines=1", output);   // one line, no stack trace
        Assert.Contains("the disk is full", output);
        Assert.Contains("--resume", output);
        Assert.Contains("leftover-tmp=0", output);
        // The three runs that completed are whole and readable: 3 × 400 logs × 8 tasks.
        Assert.Matches(@"\b3\s+9600\b", output);
        Assert.Contains("resume-exit=0", output);
        Assert.Matches(@"\b4\s+12800\b", output);

        Assert.Contains("query-output-exit=1", output);
        Assert.Matches(@"query-error=error: --output out/all.csv: .*the disk is full: free space \(or write elsewhere\)", output);
        Assert.DoesNotContain("--resume", output[output.IndexOf("query-error=")..output.IndexOf("query-leftovers=")]);
        Assert.Contains("query-leftovers=0", output);
        Assert.Matches(@"catalog-bytes=[1-9]\d*", output);
        Assert.Contains("ro-exit=1", output);
        Assert.Matches(@"ro-error=error: cannot lock \S+ for writing the sweep: Read-only file system.* — the file system is mounted read-only: choose a writable --artifacts directory", output);
        Assert.DoesNotContain("in use by another pipeline process", output);
    }
}
