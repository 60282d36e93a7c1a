namespace Retention.Spec;

/// <summary>
/// Loads a pipeline file: YAML → profile → --set overrides → binding → validation → sweep runs.
/// Every bad input ends in a SpecException whose errors carry source, line, column and path;
/// nothing else escapes for bad input.
/// </summary>
public static class SpecLoader
{
    /// <summary>The profiles a pipeline's text defines, in file order; none where it cannot be parsed (for a note after its
    /// errors, which said those). From the text the load read (<see cref="ReadFile"/>): a pipe (`run <(...)`) reads once.</summary>
    public static IReadOnlyList<string> ProfileNames(string yaml, string sourceName)
    {
        try
        {
            var sources = new SourceMap(sourceName);
            return Profiles.Names(PipelineDocument.Parse(yaml, sources, []), sources);
        }
        catch (Exception e) when (e is SpecException or YamlDotNet.Core.YamlException) { return []; }
    }

    /// <summary>A pipeline file's text, as <see cref="Load"/> reads it (its errors a SpecException naming the file): for a caller
    /// that needs the text after the load too, which gives it to the load, so the file is read once.</summary>
    public static string ReadFile(string path) => PipelineFile.ReadText(path);

    /// <summary>Reads <paramref name="path"/>, applies the profile and --set overrides, validates and expands the sweep.</summary>
    /// <param name="sets">"path=value" overrides, applied in order after the profile. A --set on a
    /// swept field removes that field from the sweep (the explicit value wins).</param>
    /// <param name="checkAnalysis">Also run the analysis section against empty tables of the runs' schemas
    /// (false where the analysis will not run, e.g. `run --no-analysis` on a server without DuckDB).</param>
    /// <param name="baseDirectory">What relative paths resolve against; default the file's folder.</param>
    /// <param name="checkPaths">Also require every local data path and tokenizer file to exist (what `run`
    /// and `validate` do; off for loading a file to inspect it).</param>
    /// <param name="stored">The file is one this program wrote into a sweep (pipeline.yaml, a run's run.yaml), perhaps
    /// by an earlier version: rules added since that only keep a new file from doing nothing (keys the experiment
    /// does not read, sweeps over labels or unread keys, a sweep creating a section) are not applied, so it loads again.</param>
    /// <param name="checkOtherProfiles">Also load each profile the file defines other than <paramref name="profile"/>
    /// (without the overrides, path checks or this machine's memory) and report its errors marked with its name, so a
    /// typo in the gpu profile is found on the laptop, not when a cluster job selects it (what `validate` does).
    /// They are checked when the selected document loads, or when its only mistakes are duplicate keys.</param>
    /// <param name="analysisMoment">Which command checks the analysis, for the words after each error it finds.</param>
    /// <param name="checkResources">Check CPU runs' memory (never for a <paramref name="stored"/> copy).</param>
    /// <param name="memory">What that memory is checked against; null: this machine's (<see cref="MemoryBudget.ThisMachine"/>).</param>
    /// <param name="beforeMemoryRefusal">Where the file's only errors are memory ones (<see cref="SpecErrorKind.Memory"/>), called
    /// with the pipeline the load would return without them before they are thrown: `run` refuses it first for what fewer or
    /// smaller runs would not mend (it may throw that instead). Null: they are thrown as any error.</param>
    /// <param name="notTrained">Where the load finds runs too large for their memory, the runs the command will not train (a
    /// --resume's completed ones): their memory errors are left out, beside other errors too, and where none is left and
    /// nothing else is wrong the file loads. Null: none left out.</param>
    /// <param name="text">The file's text where the caller read it already (<see cref="ReadFile"/>); null: read here.</param>
    public static LoadedPipeline Load(string path, string? profile = null, IReadOnlyList<string>? sets = null, bool checkAnalysis = true,
        string? baseDirectory = null, bool checkPaths = false, bool stored = false, bool checkOtherProfiles = false,
        Analysis.AnalysisCheckMoment analysisMoment = Analysis.AnalysisCheckMoment.BeforeTraining, bool checkResources = true,
        MemoryBudget? memory = null, Action<LoadedPipeline>? beforeMemoryRefusal = null, string? text = null,
        Func<LoadedPipeline, IReadOnlySet<string>>? notTrained = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        text ??= PipelineFile.ReadText(path);
        return LoadText(text, path, profile, sets, checkAnalysis,
            baseDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path)), checkPaths, checkResources, stored: stored, checkOtherProfiles: checkOtherProfiles,
            analysisMoment: analysisMoment, recordedDataDirectory: checkPaths && baseDirectory is null ? StoredCopy.RecordedDataDirectory(path) : null,
            memory: memory, sweepOfRunFile: StoredCopy.SweepOfRunFile(path), beforeMemoryRefusal: beforeMemoryRefusal, notTrained: notTrained);
    }

    /// <summary>As <see cref="Load"/>, for YAML already in memory; <paramref name="sourceName"/> names it in errors.</summary>
    /// <param name="checkResources">Check CPU runs' memory.</param>
    /// <param name="memory">See <see cref="Load"/>.</param>
    /// <param name="beforeMemoryRefusal">See <see cref="Load"/>.</param>
    /// <param name="notTrained">See <see cref="Load"/>.</param>
    /// <param name="stored">See <see cref="Load"/>.</param>
    /// <param name="checkOtherProfiles">See <see cref="Load"/>.</param>
    /// <param name="analysisMoment">See <see cref="Load"/>.</param>
    /// <param name="sweepOfRunFile">Where the file is a run's run.yaml, its sweep's pipeline.yaml (<see cref="StoredCopy.SweepOfRunFile"/>):
    /// an analysis reading swept is told why this one run has none.</param>
    /// <param name="recordedDataDirectory">Where the file is a sweep's stored copy (<see cref="StoredCopy"/>), the folder its runs read their
    /// data from: a missing path names it for --data-dir.</param>
    public static LoadedPipeline LoadText(string yaml, string sourceName, string? profile = null, IReadOnlyList<string>? sets = null,
        bool checkAnalysis = true, string? baseDirectory = null, bool checkPaths = false, bool checkResources = true, bool stored = false,
        bool checkOtherProfiles = false, Analysis.AnalysisCheckMoment analysisMoment = Analysis.AnalysisCheckMoment.BeforeTraining,
        string? recordedDataDirectory = null, MemoryBudget? memory = null, string? sweepOfRunFile = null,
        Action<LoadedPipeline>? beforeMemoryRefusal = null, Func<LoadedPipeline, IReadOnlySet<string>>? notTrained = null)
    {
        baseDirectory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        // A stored copy describes runs already admitted, perhaps on a larger machine: read here (status, analyze, a copied
        // sweep), this machine's memory says nothing about them.
        var budget = checkResources && !stored ? memory ?? MemoryBudget.ThisMachine() : null;
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var sources = new SourceMap(sourceName);

        // Every binding error is collected (the binder mends the tree after each), then every
        // validation error of what could be bound, so one pass reports everything it can find.
        // A duplicate key is no binding error: the filter left the first copy, so the tree is well formed
        // and nothing below is a consequence of it; every check still runs and the duplicates join the errors at the end.
        var duplicates = new List<SpecError>();
        var errors = new List<SpecError>();
        OverriddenDocument document;
        IReadOnlyList<string> profileNames;
        try
        {
            var parsed = PipelineDocument.Parse(yaml, sources, duplicates);
            profileNames = Profiles.Names(parsed, sources);
            document = OverriddenDocument.Of(parsed, profile, sets ?? [], sources);
        }
        catch (SpecException e) when (duplicates.Count > 0)
        {
            throw LoadErrors.Fail([.. duplicates, .. e.Errors]);
        }
        var root = document.Root;

        var mended = new MendedPaths();
        if (SpecBinder.BindAll(root, null, sources, errors, mended) is not var (spec, index)) throw LoadErrors.Fail([.. duplicates, .. errors]);

        var axes = SweepPlanner.Plan(index, sources, errors, spec.Experiment, stored);
        IReadOnlyList<SweptKey> swept =
            [.. axes.Select(a => new SweptKey(a.ShortKey, [.. a.Values.Select(v => v.Value ?? "")], a.Declared, string.Join(".", a.Keys)))];
        var analysis = checkAnalysis
            ? AnalysisFindings.Of(spec, swept, index, sources, yaml, new Analysis.AnalysisCheckContext(analysisMoment, document.RemovedSweepKeys) { SweepOfRunFile = sweepOfRunFile }, errors, mended)
            : AnalysisFindings.None;
        if (errors.Count > 0)
        {
            // Without a usable sweep there are no runs to check; check the document as written, and the values of the sweep
            // keys that did plan (a bad key must not hide a bad value of another: 'x' in a width list).
            if (axes.Count > 0)
                foreach (var run in SweepExpander.Expand(root, axes, sources))
                    SpecBinder.BindAll(run.Root, index, sources, errors, mended.Copy());
            errors.AddRange(analysis.Errors);
            errors.AddRange(LoadErrors.Unmended(SpecValidator.Validate(spec, index, sources, mended, budget, stored), mended));
            throw LoadErrors.Fail([.. duplicates, .. errors]);
        }
        errors.AddRange(analysis.Errors);   // bad SQL leaves the runs usable: they are still checked below

        var runs = SweepRuns.Plan(root, axes, index, sources, mended,
            new RunChecks(baseDirectory, checkPaths, budget, stored, recordedDataDirectory), errors, out var tooLarge);
        LoadedPipeline Loaded() => new(sourceName, profile, spec, SpecWriter.Write(spec), runs) { BaseDirectory = baseDirectory, Swept = swept,
            ProfileNames = profileNames,
            AnalysisWarnings = [.. analysis.Warnings, .. PresetSweep.SameShapes(runs), .. DiscardedHeldOut.Of(runs, root, axes, index, sources)], SetNotes = document.SetNotes,
            AnalysisDeclaredAt = AnalysisPositions.Of(spec.Analysis, index, sources, yaml.Split('\n')) };
        // Memory errors alone: the load goes on as it would without them, so the caller sees the pipeline before they are
        // thrown. Any other error found on the way is not said: the memory errors are, as where nothing asked to see it.
        // Those of runs the command will not train (a resume's completed ones) are left out first: where none is left, the
        // file loads as one whose runs fit. Left out beside other errors too (a bad analysis SQL): said there, they asked
        // to shrink a run the resume skips.
        LoadedPipeline? loaded = null;
        IReadOnlyList<SpecError>? overMemory = null;
        IReadOnlySet<string> skipped = notTrained is not null && tooLarge.Of.Count > 0 ? notTrained(loaded = Loaded()) : new HashSet<string>();
        if (beforeMemoryRefusal is not null && errors.Count == 0 && tooLarge.Of.Count > 0)
        {
            overMemory = tooLarge.Except(skipped);
            if (overMemory.Count == 0) overMemory = null;
        }
        else errors.AddRange(tooLarge.Except(skipped));
        if (errors.Count == 0 && AdviseRules.SizeError(spec, runs, index, sources) is { } sizeError) errors.Add(sizeError);
        if (errors.Count == 0 && !stored && AdviseRules.TaskError(spec, runs, index, sources) is { } taskError) errors.Add(taskError);
        if (errors.Count > 0 || overMemory is not null && duplicates.Count > 0) throw LoadErrors.Fail([.. duplicates, .. overMemory ?? errors]);
        var others = checkOtherProfiles && overMemory is null ? OtherProfiles.Errors(yaml, sourceName, profile, baseDirectory, duplicates, analysisMoment) : [];
        if (duplicates.Count > 0 || others.Count > 0) throw new SpecException([.. LoadErrors.Fail(duplicates).Errors, .. others]);

        loaded ??= Loaded();
        if (overMemory is null) return loaded;
        beforeMemoryRefusal!(loaded);
        throw LoadErrors.Fail(overMemory);
    }
}
