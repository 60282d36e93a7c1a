using System.CommandLine;
using Retention.Advice;
using Retention.Artifacts;
using Retention.Host.Output;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>`pipeline advise FILE|SWEEP_DIR...`: how much frequency, or how much model, a rare task needs.</summary>
public static class AdviseCommand
{
    /// <summary>The options' defaults are analysis.advise's, so one given at its default means what the key at its default does.</summary>
    static readonly AdviseSpec Defaults = new();

    public static Command Build()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "A synthetic pipeline file with a rare task (exact advice from the theory), or one or more OLMo sweep directories (advice from the trained runs).",
            Arity = ArgumentArity.OneOrMore,
        }.NotEmpty("a synthetic pipeline file, or OLMo sweep directories (artifacts/NAME[-PROFILE])");
        var target = new Option<double>("--target-accuracy") { Description = "Seed-mean test accuracy (among label tokens) that counts as learned.", DefaultValueFactory = _ => Defaults.TargetAccuracy }.Finite();
        var size = new Option<long?>("--size") { Description = "With --frequency: a model size (parameters, as in model.arrow) to compare raising the frequency with growing the model." };
        var frequency = new Option<double?>("--frequency") { Description = "With --size: the task's current frequency (instances per token)." }.Finite();
        var kind = new Option<string>("--kind") { Description = "Task kind for --size/--frequency: comparison | modular_addition.", DefaultValueFactory = _ => Defaults.Kind };
        var profile = new Option<string?>("--profile", "-p") { Description = "Profile of a pipeline file." };
        var sets = new Option<string[]>("--set", "-s") { Description = "Overrides of a pipeline file (--set path=value)." };
        var output = new Option<string?>("--output", "-o") { Description = "Folder for the advice tables and plot (default: for a pipeline file, artifacts/advice/NAME[-PROFILE] under the current folder; for sweeps, the first sweep's analysis/)." }
            .NotEmpty("a folder for the advice, or leave --output out for the default one");
        var cmd = new Command("advise", "How much frequency, or how much model, a rare task needs: exact for the synthetic mixture, fitted from OLMo sweeps.")
        {
            inputs, target, size, frequency, kind, profile, sets, output,
        };
        cmd.SetAction(async (r, ct) =>
        {
            try
            {
                var paths = r.GetValue(inputs)!;
                if (r.GetValue(size).HasValue != r.GetValue(frequency).HasValue) throw new UsageException("--size and --frequency go together");
                if (r.GetValue(target) is not (> 0 and <= 1)) throw new UsageException($"--target-accuracy must be in (0, 1], got {r.GetValue(target)}");
                if (r.GetValue(frequency) is { } f && !Retention.Data.InjectionSchedule.IsAcceptedFrequency(f))
                    throw new UsageException($"--frequency must be in {Retention.Data.InjectionSchedule.AcceptedRange} instances per token " +
                        $"(as a task's frequency in a pipeline file), got {f}");
                if (r.GetValue(size) is <= 0) throw new UsageException($"--size must be a positive parameter count, got {r.GetValue(size)}");
                OptionLists.OneOf(r.GetValue(kind)!, "--kind", ["comparison", "modular_addition"], "task kind");
                // The advice writes tables and a plot into a folder; a file there would fail only at the first write.
                if (r.GetValue(output) is { } folder && OutputFolder.NotAFolder(folder, "the advice tables and plot") is { } notAFolder)
                    throw new UsageException(notAFolder);
                // advice_*.arrow in a run's folder are that run's tables in every query of the sweep. An analysis/ is where advice
                // goes (a sweep's is the default): its tables are analysis tables, as an analysis that advises writes them.
                if (r.GetValue(output) is { } into && TablesFolder.OutputProblem(into, into, "the advice tables (advice_*.arrow)", "advice",
                        ", or leave --output out (a sweep's advice goes to its analysis/)", analysis: false) is { } intoTables)
                    throw new UsageException(intoTables);
                AdviceResult result;
                List<string> notes = [];
                if (paths.Any(File.Exists) && paths.Length > 1)
                    throw new UsageException("give one synthetic pipeline file, or OLMo sweep directories, not both");
                if (paths.Length == 1 && File.Exists(paths[0]))
                {
                    // The exact advice covers every width and frequency at once: the trained-runs options have nothing to change.
                    // At their defaults they change nothing and pass, as analysis.advise's keys do in the file (UnreadKeyRules).
                    string[] unread = [.. new[]
                    {
                        r.GetValue(size) is { } sz ? $"--size {sz} --frequency {r.GetValue(frequency)}" : null,
                        r.GetValue(target) != Defaults.TargetAccuracy ? $"--target-accuracy {r.GetValue(target)}" : null,
                        r.GetValue(kind) != Defaults.Kind ? $"--kind {r.GetValue(kind)}" : null,
                    }.OfType<string>()];
                    if (unread.Length > 0)
                        throw new UsageException($"{string.Join(", ", unread)}: {(unread.Length == 1 ? "is" : "are")} for advice from OLMo sweep directories (trained runs); " +
                            "a synthetic pipeline's advice is exact for every width and frequency, so it reads no target accuracy, size, frequency " +
                            $"or kind (as its analysis.advise refuses those keys); at their defaults (--target-accuracy {Defaults.TargetAccuracy}, --kind {Defaults.Kind}) they change nothing and pass");
                    var pipeline = SpecLoader.Load(paths[0], r.GetValue(profile), r.GetValue(sets) ?? [], checkAnalysis: false);
                    if (pipeline.Spec.Experiment != "synthetic")
                        throw new UsageException($"{paths[0]} is an {pipeline.Spec.Experiment} pipeline: advice from trained runs reads its sweep directory " +
                            (SweepOf(paths[0]) is { } sweep ? $"(pipeline advise {sweep})" : "(artifacts/NAME[-PROFILE])"));
                    var dir = r.GetValue(output) ?? AdviceFolder.Of(paths[0], pipeline);
                    using var hold = HoldOutput(dir, given: r.GetValue(output) is not null, []);
                    RemoveLeftovers(dir);
                    result = await AdviceReport.SyntheticAsync(pipeline.Spec, pipeline.Runs, dir);
                }
                else
                {
                    foreach (var p in paths) AdviseTarget.Check(p);
                    // The runs were trained already: their run.yaml files say how, and an override would change nothing.
                    if (r.GetResult(profile) is { Implicit: false } || r.GetValue(sets) is { Length: > 0 })
                        throw new UsageException("--profile and --set apply to a pipeline file; advice from sweep directories reads the runs as they were trained " +
                            "(train other settings into another sweep and advise on that)");
                    // At its default it changes nothing and passes, as analysis.advise.kind does in a file (AdviseRules.KindWithoutLevers).
                    if (r.GetValue(kind) != Defaults.Kind && r.GetValue(size) is null)
                        throw new UsageException("--kind is the task kind of --size and --frequency (the levers); without them the advice " +
                            "covers every task kind the runs inject (the tables' kind column)");
                    var dir = r.GetValue(output) ?? Path.Combine(paths[0], ArtifactLayout.AnalysisDir);
                    // Before the holds: one sweep given twice would be held twice, and refused as if another process held it.
                    SweepOverlap.CheckDistinct(paths);
                    // Every sweep read is held as `analyze` holds it, wherever the advice goes: one being trained is refused (its
                    // runs' latest evaluations are not their final ones), a run started meanwhile cannot move its runs aside, and
                    // an analysis of the sweep the advice writes into (by default the first's) never interleaves its files with it.
                    // That sweep is held as written, the others as read only, which `status` tells apart.
                    using var held = AnalysisHold.AcquireAll(paths, "advise", writesInto: dir);
                    using var hold = HoldOutput(dir, given: r.GetValue(output) is not null, paths);
                    RemoveLeftovers(dir);
                    result = await AdviceReport.EmpiricalAsync(paths, dir, r.GetValue(target), r.GetValue(size), r.GetValue(frequency), r.GetValue(kind)!);
                    // Read under the holds, as the runs were: a stopped or failed run's last evaluation was pooled as if final.
                    notes = [.. paths.Select(UnfinishedRuns.AdviceNote).OfType<string>()];
                }
                foreach (var w in result.Warnings) Console.Error.WriteLine($"warning: {w}");
                foreach (var (name, table) in result.Tables) TablePrinter.Print(table, name, maxRows: 40);
                foreach (var note in notes) Console.Error.WriteLine($"note: {note}");   // after the tables, as analyze says it
                Console.WriteLine($"advice: {Path.GetFullPath(result.Directory)}");
                return ExitCodes.Ok;
            }
            catch (ArgumentException e)
            {
                // What the advice cannot answer from these inputs (no rare task in the file, no runs of that kind).
                return Errors.Report(new UsageException(e.Message), advice: WriteAdvice.Output);
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                return Errors.Report(e, inputErrors: true, advice: WriteAdvice.Output);
            }
        });
        return cmd;
    }

    /// <summary>
    /// Holds the folder the advice goes to against every other writer while the advice writes it: another advice into it
    /// would put its files beside or over these. A sweep's analysis/ is held as `analyze` holds it (that sweep's lock; null where
    /// one of the sweeps read is that sweep, held so already); any other folder by its own lock (<see cref="OutputLock"/>),
    /// whose files go when the advice ends. The folder is made for the lock; a failed advice removes it again, with the
    /// folders above it that it made, so a failing advice leaves no folder behind.
    /// </summary>
    /// <param name="given">Whether the folder is --output (said so in the refusal) or the command's default.</param>
    /// <exception cref="OutputLockedException">Another advice (or a probe) is writing the folder.</exception>
    static IDisposable? HoldOutput(string dir, bool given, IReadOnlyList<string> heldSweeps)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
        if (Path.GetFileName(full) == ArtifactLayout.AnalysisDir && Path.GetDirectoryName(full) is { } sweep
            && ArtifactLayout.KindOf(sweep) == ArtifactLayout.Kind.Sweep)
            return heldSweeps.Any(s => Path.TrimEndingDirectorySeparator(Path.GetFullPath(s)) == sweep) ? null : AnalysisHold.Acquire(sweep, "advise");
        if (heldSweeps.Any(s => Path.TrimEndingDirectorySeparator(Path.GetFullPath(s)) == full)) return null;   // a sweep read, held already
        var made = EmptyFolder.FirstMissing(full);
        try
        {
            var claim = OutputLock.Acquire(dir, SweepLock.ForAdvice, given ? $"--output {dir}" : $"the advice folder {dir}",
                given ? "give another --output" : "write the advice elsewhere with --output DIR");
            return new Made(claim, dir, made);
        }
        catch
        {
            if (made is not null) EmptyFolder.RemoveIfEmpty(dir, made);   // a folder it cannot lock in (read-only): not left behind
            throw;
        }
    }

    /// <summary>The folder's lock, released and its files removed when the advice ends; the folder goes too where the advice
    /// made it and wrote nothing there (it failed).</summary>
    sealed class Made(ScanClaim claim, string dir, string? made) : IDisposable
    {
        public void Dispose()
        {
            claim.Dispose();
            if (made is not null) EmptyFolder.RemoveIfEmpty(dir, made);   // a folder that was there before stays, empty or not
        }
    }

    /// <summary>Removes the advice files' .tmp that an advise killed while putting its files in place left in
    /// <paramref name="dir"/> (a plot's or levers table's it does not write again would stay for ever), each said in a note;
    /// another's .tmp there stays.</summary>
    static void RemoveLeftovers(string dir)
    {
        foreach (var tmp in Retention.Artifacts.LeftoverTmp.Remove(dir, AdviceReport.Files))
            Console.Error.WriteLine($"note: removed {Path.Combine(dir, tmp)}, which an advice killed while writing its files left half written");
        // The folder an advice writes its files in before it puts them in place: the advice holds the folder, so one there is a
        // killed advice's.
        if (AdviceReport.RemoveKilledStaging(dir) is { } removed) Console.Error.WriteLine($"note: {removed}");
    }

    /// <summary>The sweep directory whose saved pipeline.yaml <paramref name="file"/> is, as the user wrote its path; null for any other file.</summary>
    static string? SweepOf(string file)
    {
        var folder = Path.GetDirectoryName(file);
        return Path.GetFileName(file) == ArtifactLayout.PipelineFile && ArtifactLayout.KindOf(folder is "" or null ? "." : folder) == ArtifactLayout.Kind.Sweep
            ? (folder is "" or null ? "." : folder) : null;
    }
}
