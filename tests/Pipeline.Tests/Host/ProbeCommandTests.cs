using Retention.Tests.Pipeline;

namespace Retention.Tests.Host;

/// <summary>
/// `pipeline probe RUN`: the representation probes on a finished run's saved model at every site.
/// The independent expectation is the run itself: at the site the run probed during training, the
/// scan must give the run's last das.arrow and fourier.arrow rows exactly (same model, settings, seeds, pairs).
/// </summary>
[Collection("probed-run")]
public sealed class ProbeCommandTests(ProbedRun trained) : InTempFolder("probe-cli-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    /// <summary>What the training run of <see cref="TrainedRun"/> printed: both streams, stdout, stderr.</summary>
    string runLog = "", runOut = "", runErr = "";

    /// <summary>A copy of the collection's 60-step, 2-layer OLMo run with DAS at (1, tok1) and the Fourier readout at (1, tok2),
    /// with its olmo.yaml, in this test's folder: the run directory.</summary>
    string TrainedRun()
    {
        (runLog, runOut, runErr) = (trained.Log, trained.Out, trained.Err);
        return trained.CopyTo(dir);
    }

    static List<Dictionary<string, object?>> Rows(string file, Func<Dictionary<string, object?>, bool> where) =>
        [.. ArrowRows.Read(file).Where(where)];

    [Fact]
    public void Every_site_is_probed_and_the_runs_own_site_reproduces_its_last_probe_rows()
    {
        string runDir = TrainedRun();
        string elsewhere = Directory.CreateDirectory(Path.Combine(dir, "elsewhere")).FullName;
        var (exit, output, err) = CliProcess.Run(elsewhere, Limit, "probe", runDir, "--layers", "0,1,2");
        Assert.True(exit == 0, err + output);
        Assert.Contains("das by site", output);
        Assert.Contains("fourier by site", output);
        Assert.Contains(", DAS rank 1 (20 steps), Fourier readout", output);   // the fixture's probes.das.steps: 20, rank by default
        string scan = output.Split('\n').Single(l => l.StartsWith("written: ", StringComparison.Ordinal))["written: ".Length..].Trim();
        Assert.StartsWith(Path.Combine(runDir, "scans"), scan);

        var das = ArrowRows.Read(Path.Combine(scan, "das.arrow"));
        Assert.Equal(3 * 2 * 2, das.Count);   // layers × positions × (das, random), one comparison task
        Assert.Equal([0, 1, 2], das.Select(r => (int)r["layer"]!).Distinct().Order());
        Assert.Equal(["tok1", "tok2"], das.Select(r => (string)r["position"]!).Distinct().Order());
        var trained = Rows(Path.Combine(runDir, "das.arrow"), r => (long)r["step"]! == 60);
        Assert.Equal(2, trained.Count);
        foreach (var row in trained)
        {
            var same = das.Single(r => (int)r["layer"]! == 1 && (string)r["position"]! == "tok1" && r["kind"]!.Equals(row["kind"]));
            Assert.Equal(row, same);
        }

        // The model's own accuracy on the bases depends on the pairs (drawn per position), not on the layer or the kind.
        foreach (var position in das.GroupBy(r => (string)r["position"]!))
            Assert.Single(position.Select(r => (double)r["base_accuracy"]!).Distinct());
        // A 60-step model does not do the comparison: both the run's log (once, about its last probe step) and the scan warn.
        // Chance is at least 1/2 with two labels, so below 75% is below the threshold whatever the labels' balance.
        double lastBase = (double)trained[0]["base_accuracy"]!;
        Assert.True(lastBase < 0.75, $"base accuracy {lastBase} at step 60");
        // On the run's stderr, as `warning: RUN: DAS at step …`, not among its progress lines on stdout.
        Assert.Single(runErr.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal)
            && l.Contains(": DAS at step 60 (cmp", StringComparison.Ordinal) && l.Contains("IIA there says little"));
        Assert.DoesNotContain("DAS at step", runOut);
        Assert.DoesNotContain("DAS at step 30", runLog);
        Assert.Contains($"warning: DAS at step 60 (cmp", err);   // on stderr, as validate and advise warn
        // The scan's warnings name their sites: each position below the threshold (75% at least), with the numbers of its pairs.
        var warnings = err.Split('\n').Where(l => l.StartsWith("warning: DAS at step 60 (cmp; ", StringComparison.Ordinal)).ToList();
        foreach (var position in das.GroupBy(r => (string)r["position"]!).Where(p => (double)p.First()["base_accuracy"]! < 0.75))
        {
            var percent = $"only {100 * (double)position.First()["base_accuracy"]!:F0}% of the base inputs";
            Assert.Single(warnings, w => w.Contains($"{position.Key}, layers 0–2", StringComparison.Ordinal) && w.Contains(percent, StringComparison.Ordinal));
        }

        // The best site is chosen on the pairs DAS was fitted to, never on the test pairs it reports.
        Assert.Contains("das best site (chosen on training pairs)", output);
        Assert.All(das, r => Assert.InRange((double)r["train_iia_changed"]!, 0, 1));
        var best = das.Where(r => (string)r["kind"]! == "das").OrderByDescending(r => (double)r["train_iia_changed"]!)
            .ThenBy(r => (string)r["position"]!, StringComparer.Ordinal).ThenBy(r => (int)r["layer"]!).First();
        var bestLine = output.Split('\n').SkipWhile(l => !l.StartsWith("das best site", StringComparison.Ordinal)).Skip(3).First();
        Assert.Equal([(string)best["task"]!, best["layer"]!.ToString()!, (string)best["position"]!],
            bestLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));

        var fourier = ArrowRows.Read(Path.Combine(scan, "fourier.arrow"));
        var trainedFourier = Rows(Path.Combine(runDir, "fourier.arrow"), r => (long)r["step"]! == 60);
        Assert.NotEmpty(trainedFourier);
        Assert.Equal(trainedFourier, fourier.Where(r => (int)r["layer"]! == 1 && (string)r["position"]! == "tok2").ToList());
        // The printed tables are rounded to 3 decimals, as the shipped pipelines' printed tables are; the files keep every digit.
        var printedDas = Printed(output, "das by site");
        Assert.Equal(3 * 2, printedDas.Count);
        foreach (var row in das.Where(r => (string)r["kind"]! == "das"))
        {
            var line = printedDas.Single(l => l["layer"] == row["layer"]!.ToString() && l["position"] == (string)row["position"]!);
            foreach (var column in new[] { "iia_changed", "iia", "train_iia_changed", "base_accuracy" })
                AssertRounded((double)row[column]!, line[column]);
        }
        var printedFourier = Printed(output, "fourier by site");
        Assert.Equal(3 * 2, printedFourier.Count);
        foreach (var row in fourier.Where(r => (string)r["source"]! == "residual" && (int)r["frequency"]! == 1))
        {
            var line = printedFourier.Single(l => l["layer"] == row["layer"]!.ToString() && l["position"] == (string)row["position"]!);
            foreach (var column in new[] { "key_share", "key_share_init", "full_loss", "restricted_loss", "excluded_loss" })
                AssertRounded((double)row[column]!, line[column]);
        }
        Assert.Contains(das.Concat(fourier).SelectMany(r => r.Values).OfType<double>(), v => Math.Round(v, 3) != v);   // digits to round

        // Other sites read other activations.
        Assert.NotEqual(fourier.Where(r => (int)r["layer"]! == 2 && (string)r["source"]! == "residual").Select(r => r["energy"]),
            fourier.Where(r => (int)r["layer"]! == 1 && (string)r["source"]! == "residual").Select(r => r["energy"]));
    }

    /// <summary>The rows of the table printed under <paramref name="title"/> (plain text: output is redirected), by column name.</summary>
    static List<Dictionary<string, string>> Printed(string output, string title)
    {
        var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).SkipWhile(l => l != title).Skip(1).ToList();
        var header = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("---", lines[1]);
        // Its rows run until a line of another shape: the next table's title, or "written: DIR".
        return [.. lines.Skip(2).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).TakeWhile(cells => cells.Length == header.Length)
            .Select(cells => header.Zip(cells).ToDictionary(p => p.First, p => p.Second))];
    }

    /// <summary>Printed as DuckDB's round(x, 3) gives it (half away from zero): at most 3 decimals, the value's nearest.</summary>
    static void AssertRounded(double value, string printed)
    {
        Assert.Matches(@"^-?[0-9]+\.[0-9]{1,3}$", printed);
        Assert.Equal(Math.Round(value, 3, MidpointRounding.AwayFromZero),
            double.Parse(printed, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_relative_tokenizer_path_resolves_against_the_runs_recorded_folder_or_data_dir_from_any_directory()
    {
        // project/pipelines/olmo.yaml names its shards and tokenizer relative to its own folder (../data, ../tok).
        var project = Path.Combine(dir, "project");
        TinyCorpus.WriteShard(Path.Combine(project, "data"));
        Directory.CreateDirectory(Path.Combine(project, "tok"));
        foreach (var f in new[] { "bytes-vocab.json", "bytes-merges.txt" })
            File.Copy(Path.Combine(RepoFiles.PipelinesDirectory, "tokenizers", f), Path.Combine(project, "tok", f));
        Directory.CreateDirectory(Path.Combine(project, "pipelines"));
        var lines = TinyCorpus.SmallOlmoSweep("{seed: [0]}")
            .Select(l => l.Replace("'shards/*.jsonl'", "'../data/shards/*.jsonl'"))
            .Select(l => l.StartsWith("  tokenizer:", StringComparison.Ordinal)
                ? "  tokenizer: {kind: bpe, path: ../tok/bytes-vocab.json, merges_path: ../tok/bytes-merges.txt}" : l)
            .ToList();
        Assert.Contains("  sources: [{paths: ['../data/shards/*.jsonl'], epochs: 0}]", lines);
        File.WriteAllText(Path.Combine(project, "pipelines", "olmo.yaml"), string.Join('\n', [.. lines,
            "probes: {every: 30, das: {layer: 1, position: tok1, steps: 20, train_pairs: 200, test_pairs: 100}}"]) + "\n");
        var trainedFrom = Directory.CreateDirectory(Path.Combine(dir, "trained-from")).FullName;
        var train = CliProcess.Run(trainedFrom, Limit, "run", Path.Combine(project, "pipelines", "olmo.yaml"),
            "--set", "train.steps=60", "--artifacts", Path.Combine(dir, "a"), "--no-analysis");
        Assert.True(train.Exit == 0, train.Err + train.Out);
        var runDir = Directory.GetDirectories(Path.Combine(dir, "a", "olmo", "runs")).Single();
        var lastRows = Rows(Path.Combine(runDir, "das.arrow"), r => (long)r["step"]! == 60);
        Assert.Equal(2, lastRows.Count);   // das and random at the run's site

        // From a directory where ../tok is nothing: the recorded folder (project/pipelines) is what resolves it.
        var elsewhere = Directory.CreateDirectory(Path.Combine(dir, "elsewhere", "deeper")).FullName;
        string[] probe = ["probe", runDir, "--layers", "1", "--positions", "tok1"];
        void ReproducesTheRun((int Exit, string Out, string Err) result, string output)
        {
            Assert.True(result.Exit == 0, result.Err + result.Out);
            Assert.Equal(lastRows, ArrowRows.Read(Path.Combine(output, "das.arrow")));
        }
        var recorded = Path.Combine(dir, "scan-recorded");
        ReproducesTheRun(CliProcess.Run(elsewhere, Limit, [.. probe, "--output", recorded]), recorded);

        // The tokenizer moved away from the project: the recorded folder no longer resolves it...
        var other = Path.Combine(dir, "other");
        Directory.CreateDirectory(Path.Combine(other, "pipelines"));
        Directory.Move(Path.Combine(project, "tok"), Path.Combine(other, "tok"));
        var lost = CliProcess.Run(elsewhere, Limit, [.. probe, "--output", Path.Combine(dir, "scan-lost")]);
        Assert.Equal(2, lost.Exit);                                                      // nothing probed: an input error
        Assert.Contains(Path.Combine(project, "tok", "bytes-vocab.json"), lost.Err);   // resolved against project/pipelines
        Assert.Contains("provenance.json", lost.Err);
        Assert.Contains("--data-dir", lost.Err);
        Assert.DoesNotContain("   at ", lost.Err);
        // ...and --data-dir points the same relative path at it.
        var given = Path.Combine(dir, "scan-given");
        ReproducesTheRun(CliProcess.Run(elsewhere, Limit, [.. probe, "--data-dir", Path.Combine(other, "pipelines"), "--output", given]), given);

        // The recorded folder itself gone: the paths fall back to the current directory, and the error says why.
        Directory.Delete(Path.Combine(project, "pipelines"), recursive: true);
        var gone = CliProcess.Run(elsewhere, Limit, [.. probe, "--output", Path.Combine(dir, "scan-gone")]);
        Assert.Equal(2, gone.Exit);
        Assert.Contains($"the current directory, as the folder the run's provenance.json records, {Path.Combine(project, "pipelines")}, is gone", gone.Err);
    }

    [Fact]
    public void What_cannot_be_probed_is_a_one_line_error_with_exit_2()
    {
        string runDir = TrainedRun();
        var outside = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "3");
        Assert.Equal(2, outside.Exit);
        Assert.Equal("error: --layers: 3 is outside the model (0, the embeddings, to 2)", outside.Err.Trim());

        // --overwrite without --output is said, not ignored: the default folder is always new.
        var overwriteAlone = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "0", "--overwrite");
        Assert.Equal(2, overwriteAlone.Exit);
        Assert.Equal("error: --overwrite applies to --output only (the default folder, RUN/scans/TIME, is always new): give --output DIR " +
                     "with it, or leave it out", overwriteAlone.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(runDir, "scans")), "nothing scanned");

        var position = CliProcess.Run(dir, Limit, "probe", runDir, "--positions", "tok3");
        Assert.Equal(2, position.Exit);
        Assert.Contains("tok3", position.Err);
        // Every value the help names for --positions is taken: each gets past the site checks to the next one (the output folder's).
        var help = CliProcess.Run(dir, Limit, "probe", "--help");
        var named = System.Text.RegularExpressions.Regex.Match(help.Out, @"--positions <positions>\s+Sites' tokens[^:]*: (.+?)\.? \[default").Groups[1].Value;
        Assert.True(named.Length > 0, help.Out);
        var taken = Directory.CreateDirectory(Path.Combine(dir, "taken")).FullName;
        File.WriteAllText(Path.Combine(taken, "note.txt"), "");
        foreach (var value in System.Text.RegularExpressions.Regex.Split(named, ", | or "))
        {
            var accepted = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "0", "--positions", value, "--output", taken);
            Assert.Equal(2, accepted.Exit);
            Assert.StartsWith($"error: --output {taken}: is not empty", accepted.Err.Trim());
        }

        Directory.Move(Path.Combine(runDir, "checkpoint"), Path.Combine(runDir, "moved"));
        var unsaved = CliProcess.Run(dir, Limit, "probe", runDir);
        Assert.Equal(2, unsaved.Exit);
        Assert.Contains("has no checkpoint/ to probe", unsaved.Err);

        // A checkpoint/ that lacks what a probe loads says what it lacks, not that there is none.
        var partial = Directory.CreateDirectory(Path.Combine(runDir, "checkpoint")).FullName;
        File.Copy(Path.Combine(runDir, "moved", "model.bin"), Path.Combine(partial, "model.bin"));
        var incomplete = CliProcess.Run(dir, Limit, "probe", runDir);
        Assert.Equal(2, incomplete.Exit);
        Assert.StartsWith($"error: {partial}: lacks trainer.json (the step and model shape): the checkpoint is incomplete", incomplete.Err.Trim());
        Directory.Delete(partial, recursive: true);

        // Keys a scan never reads are refused, named, rather than accepted to change nothing.
        var unread = CliProcess.Run(dir, Limit, "probe", runDir, "--set", "probes.gradients.neurons=4", "--set", "probes.das.rank=2",
            "--set", "probes.das.layer=0", "--output", Path.Combine(dir, "scan-unread"));
        Assert.Equal(2, unread.Exit);
        Assert.StartsWith("error: --set probes.gradients.neurons, --set probes.das.layer: a scan does not read them", unread.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "scan-unread")));
        // ...before the run's spec is loaded with them: a value the run's other settings refuse is not reported as an error in run.yaml.
        var unreadInvalid = CliProcess.Run(dir, Limit, "probe", runDir, "--set", "train.steps=5", "--set", "data.tasks=[]");
        Assert.Equal(2, unreadInvalid.Exit);
        Assert.Equal("error: --set train.steps, --set data.tasks: a scan does not read them; it reads probes.das.* and probes.fourier.* " +
            "(their layer and position come from --layers and --positions), device and data.tokenizer.*", unreadInvalid.Err.Trim());

        var notRun = CliProcess.Run(dir, Limit, "probe", dir);
        Assert.Equal(2, notRun.Exit);
        Assert.Contains("is not a run directory", notRun.Err);

        // A path that is not there says so, rather than that it lacks a run.yaml.
        var missing = CliProcess.Run(dir, Limit, "probe", Path.Combine(dir, "no-such-run"));
        Assert.Equal(2, missing.Exit);
        Assert.Equal($"error: {Path.Combine(dir, "no-such-run")}: does not exist", missing.Err.Trim());

        // A sweep names its runs, the directories probe takes.
        var sweep = Path.Combine(dir, "a", "olmo");
        var ofSweep = CliProcess.Run(dir, Limit, "probe", sweep);
        Assert.Equal(2, ofSweep.Exit);
        Assert.Contains($"{sweep}: is a sweep directory, not a run", ofSweep.Err);
        Assert.Contains(Path.Combine("runs", Path.GetFileName(runDir)), ofSweep.Err);
        Assert.DoesNotContain("no run.yaml", ofSweep.Err);

        // A truncated model.bin names the file and says the checkpoint is damaged (TorchSharp's own message names neither).
        Directory.Move(Path.Combine(runDir, "moved"), Path.Combine(runDir, "checkpoint"));

        // A file that exists is said to be a file (the pipeline's YAML; a run's own file names the run), not missing.
        var yaml = CliProcess.Run(dir, Limit, "probe", "olmo.yaml");
        Assert.Equal(2, yaml.Exit);
        Assert.Equal($"error: {Path.Combine(dir, "olmo.yaml")}: is a file, not a run directory; probe a run's directory " +
            "(SWEEP/runs/RUN, written by `pipeline run` or `pipeline submit`)", yaml.Err.Trim());
        var manifest = CliProcess.Run(dir, Limit, "probe", Path.Combine(runDir, "run.yaml"));
        Assert.Equal(2, manifest.Exit);
        Assert.Equal($"error: {Path.Combine(runDir, "run.yaml")}: is a file, not a run directory; probe the run it is in, {runDir}", manifest.Err.Trim());
        // A sweep's runs/ names the runs in it; a run's checkpoint/ names the run it is in.
        var runsFolder = Path.Combine(sweep, "runs");
        var ofRuns = CliProcess.Run(dir, Limit, "probe", runsFolder);
        Assert.Equal(2, ofRuns.Exit);
        Assert.Equal($"error: {runsFolder}: is not a run directory (no run.yaml); probe one of the runs in it: {runDir}", ofRuns.Err.Trim());
        var checkpoint = Path.Combine(runDir, "checkpoint");
        var ofCheckpoint = CliProcess.Run(dir, Limit, "probe", checkpoint);
        Assert.Equal(2, ofCheckpoint.Exit);
        Assert.Equal($"error: {checkpoint}: is not a run directory (no run.yaml); it is inside the run {runDir}: probe that", ofCheckpoint.Err.Trim());
        var model = Path.Combine(runDir, "checkpoint", "model.bin");
        var saved = File.ReadAllBytes(model);
        // A file of the right size whose bytes are not the weights (overwritten) says the same, naming the file.
        var garbage = new byte[saved.Length];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(model, garbage);
        var overwritten = CliProcess.Run(dir, Limit, "probe", runDir, "--output", Path.Combine(dir, "scan-overwritten"));
        Assert.Equal(2, overwritten.Exit);
        Assert.StartsWith($"error: {model}: the checkpoint is damaged: the file does not read back as what the run saved", overwritten.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "scan-overwritten")));
        File.WriteAllBytes(model, saved);
        using (var f = new FileStream(model, FileMode.Open)) f.SetLength(1000);
        var damaged = CliProcess.Run(dir, Limit, "probe", runDir, "--output", Path.Combine(dir, "scan-damaged"));
        Assert.Equal(2, damaged.Exit);
        Assert.StartsWith($"error: {model}: the checkpoint is damaged", damaged.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "scan-damaged")));
        Assert.All(new[] { outside, overwriteAlone, position, unsaved, incomplete, unread, unreadInvalid, notRun, missing, ofSweep, yaml, manifest, ofRuns, ofCheckpoint, overwritten, damaged },
            r => Assert.Single(r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    static readonly (int Layer, string Position)[] SiteOrder = [(0, "tok1"), (0, "tok2"), (1, "tok1"), (1, "tok2"), (2, "tok1"), (2, "tok2")];

    [Fact]
    public void A_stopped_scan_keeps_the_finished_sites_rows_and_a_later_scan_does_not_overwrite_them_unasked()
    {
        string runDir = TrainedRun();
        string scan = Path.Combine(dir, "scan");
        // More DAS steps than the run's so that the five sites after the first take long enough for the stop to land mid-scan
        // (a stop ends the scan between sites: the second site is finished first). 100 steps are seconds a site on a busy 2-core
        // machine, where the signal lands within a second of the first site's line; 300 made the finished second site most of the test.
        using (var probe = CliProcess.Start(dir, "probe", runDir, "--output", scan, "--set", "probes.das.steps=100"))
        {
            probe.WaitUntil(() => probe.Output.Contains("  layer 0, tok1: ", StringComparison.Ordinal), Limit, "the first site's line");
            probe.Signal(15);
            var (exit, output, err) = probe.WaitForExit(Limit);
            Assert.True(exit == 130, err + output);
            var match = System.Text.RegularExpressions.Regex.Match(err, @"interrupted after (\d+) of 6 sites; their rows are in (.+)");
            Assert.True(match.Success, err);
            Assert.Equal(scan, match.Groups[2].Value.Trim());
            int done = int.Parse(match.Groups[1].Value);
            Assert.InRange(done, 1, 5);
            // Exactly the sites reported done, in scan order: each a progress line, each in both tables.
            Assert.Equal(done, output.Split('\n').Count(l => l.StartsWith("  layer ", StringComparison.Ordinal)));
            var das = ArrowRows.Read(Path.Combine(scan, "das.arrow"));
            Assert.Equal(2 * done, das.Count);   // das and random per site, one comparison task
            Assert.Equal(SiteOrder.Take(done), das.Select(r => ((int)r["layer"]!, (string)r["position"]!)).Distinct());
            var fourier = ArrowRows.Read(Path.Combine(scan, "fourier.arrow"));
            Assert.Equal(SiteOrder.Take(done), fourier.Select(r => ((int)r["layer"]!, (string)r["position"]!)).Distinct());
            Assert.Empty(Directory.GetFiles(scan, "*.tmp"));
        }

        // The kept scan is not replaced unless asked.
        var before = File.ReadAllBytes(Path.Combine(scan, "das.arrow"));
        var again = CliProcess.Run(dir, Limit, "probe", runDir, "--output", scan);
        Assert.Equal(2, again.Exit);
        Assert.Contains($"--output {scan}: is not empty", again.Err);
        Assert.Contains("--overwrite", again.Err);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(scan, "das.arrow")));

        var replaced = CliProcess.Run(dir, Limit, "probe", runDir, "--output", scan, "--overwrite");
        Assert.True(replaced.Exit == 0, replaced.Err + replaced.Out);
        Assert.Equal(SiteOrder, ArrowRows.Read(Path.Combine(scan, "das.arrow")).Select(r => ((int)r["layer"]!, (string)r["position"]!)).Distinct());
    }

    /// <summary>
    /// A scan killed by SIGKILL runs no code: its default folder RUN/scans/TIME, made when it started, stayed behind empty,
    /// and nothing told it from a scan still running. The folder holds a lock while the scan runs; a query of a killed one
    /// says what it is, and the run's next probe removes it (saying so), leaving only its own finished scan in scans/.
    /// </summary>
    [Fact]
    public void A_killed_scans_folder_is_said_as_such_and_the_next_probe_removes_it()
    {
        string runDir = TrainedRun();
        var scans = Path.Combine(runDir, "scans");
        string killed;
        // More DAS steps than the run's: the scan is still at its first sites when it is killed.
        using (var probe = CliProcess.Start(dir, "probe", runDir, "--set", "probes.das.steps=300"))
        {
            // Its first line, once the model is loaded: the scan's folder was made before.
            probe.WaitUntil(() => probe.Output.Contains(": model at step ", StringComparison.Ordinal), Limit, "the scan's first line");
            killed = Directory.GetDirectories(scans).Single();
            Assert.True(Retention.Artifacts.SweepLock.IsHeld(killed));   // held while the scan runs
            probe.KillHard();
        }
        Assert.False(Retention.Artifacts.SweepLock.IsHeld(killed));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(killed), e => e.EndsWith(".arrow", StringComparison.Ordinal));

        var query = CliProcess.Run(dir, Limit, "query", killed, "SHOW TABLES");
        Assert.True(query.Exit == 0, query.Err + query.Out);
        Assert.Contains($"{killed} is a scan whose probe (pid ", query.Err);
        Assert.Contains("was killed before it wrote its tables: there is nothing in it to query; the run's next `pipeline probe` removes it", query.Err);

        var next = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "0", "--positions", "tok1");
        Assert.True(next.Exit == 0, next.Err + next.Out);
        Assert.Contains($"note: removed {killed}, which a probe (pid ", next.Err);
        Assert.False(Directory.Exists(killed));
        var written = System.Text.RegularExpressions.Regex.Match(next.Out, @"written: (.+)").Groups[1].Value.Trim();
        Assert.Equal([written], Directory.GetDirectories(scans));
        // A finished scan's folder holds its tables and nothing else: no lock's files.
        Assert.Equal(["das.arrow", "fourier.arrow"], Directory.GetFileSystemEntries(written).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A probe killed by SIGKILL while writing its tables into --output DIR leaves das.arrow.tmp (and fourier.arrow.tmp) there:
    /// no scan's output, yet the next probe into DIR was refused as "not empty (it holds das.arrow.tmp)". It is not counted, and
    /// is removed with a note; a .tmp of another name is someone else's and still makes the folder not empty.
    /// (Planted: what a kill at that moment leaves.)
    /// </summary>
    [Fact]
    public void A_killed_probes_table_tmp_in_its_output_is_removed_not_counted_as_an_earlier_scan()
    {
        string runDir = TrainedRun();
        var output = Directory.CreateDirectory(Path.Combine(dir, "scan")).FullName;
        foreach (var name in new[] { "das.arrow.tmp", "fourier.arrow.tmp" }) File.WriteAllText(Path.Combine(output, name), "half written");
        var other = Directory.CreateDirectory(Path.Combine(dir, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "das.arrow.tmp"), "half written");
        File.WriteAllText(Path.Combine(other, "mine.tmp"), "someone else's");

        var refused = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "0", "--positions", "tok1", "--output", other);
        Assert.Equal(2, refused.Exit);
        Assert.StartsWith($"error: --output {other}: is not empty (it holds mine.tmp); ", refused.Err.Trim());

        var probe = CliProcess.Run(dir, Limit, "probe", runDir, "--layers", "0", "--positions", "tok1", "--output", output);
        Assert.True(probe.Exit == 0, probe.Err + probe.Out);
        foreach (var name in new[] { "das.arrow.tmp", "fourier.arrow.tmp" })
            Assert.Contains($"note: removed {Path.Combine(output, name)}, which a probe killed while writing its tables left half written", probe.Err);
        Assert.Equal(["das.arrow", "fourier.arrow"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// `probe --output DIR` holds DIR while it scans, as the default scan folder is held: it took no lock there, so two scans into
    /// one folder interleaved their tables. A second is refused at once naming the folder and the holder; one killed while it
    /// scans leaves only the lock's files (released by the OS), which the next probe into DIR takes over: no "not empty".
    /// </summary>
    [Fact]
    public void A_probe_into_a_held_output_is_refused_naming_the_holder_and_a_killed_ones_lock_is_taken_over()
    {
        string runDir = TrainedRun();
        var output = Path.Combine(dir, "scan");
        string[] probe = ["probe", runDir, "--layers", "0", "--positions", "tok1", "--output", output];
        using (var held = Retention.Artifacts.SweepLock.Acquire(output, Retention.Artifacts.SweepLock.ForProbe))
        {
            var refused = CliProcess.Run(dir, Limit, probe);
            Assert.True(refused.Exit == 1, refused.Err + refused.Out);
            Assert.StartsWith($"error: --output {output} is in use by another pipeline process (pid {Environment.ProcessId} on ", refused.Err.Trim());
            Assert.EndsWith("(probe)); wait for it to finish, or give another --output", refused.Err.Trim());
            Assert.Equal([".lock", ".lock.owner"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        Directory.Delete(output, recursive: true);
        int killedPid;
        // Far more DAS steps than the run's, so that its one site outlasts the second probe's start (300 steps finished it
        // first on a quiet machine, and the second probe ran); it is killed long before it ends.
        using (var scan = CliProcess.Start(dir, [.. probe, "--set", "probes.das.steps=1000000"]))
        {
            scan.WaitUntil(() => scan.Output.Contains(": model at step ", StringComparison.Ordinal), Limit, "the scan's first line");
            Assert.True(Retention.Artifacts.SweepLock.IsHeld(output));   // held while the scan runs
            var second = CliProcess.Run(dir, Limit, probe);
            Assert.True(second.Exit == 1, second.Err + second.Out);
            Assert.Contains($"error: --output {output} is in use by another pipeline process (pid {scan.Id} on ", second.Err);
            killedPid = scan.Id;
            scan.KillHard();
        }
        // A killed scan's --output is said as such, with what clears it (not the run's next probe: it is not in the run's scans/).
        var query = CliProcess.Run(dir, Limit, "query", output, "SHOW TABLES");
        Assert.Contains($"{output} is a scan whose probe (pid {killedPid} on ", query.Err);
        Assert.Contains("there is nothing in it to query; the next `pipeline probe --output` into it takes it over", query.Err);
        var next = CliProcess.Run(dir, Limit, probe);
        Assert.True(next.Exit == 0, next.Err + next.Out);
        Assert.Equal(["das.arrow", "fourier.arrow"], Directory.GetFileSystemEntries(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
