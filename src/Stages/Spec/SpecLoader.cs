using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>
/// Loads a pipeline file: YAML → profile → --set overrides → binding → validation → sweep runs.
/// Every bad input ends in a SpecException whose errors carry source, line, column and path;
/// nothing else escapes for bad input.
/// </summary>
public static class SpecLoader
{
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
    public static LoadedPipeline Load(string path, string? profile = null, IReadOnlyList<string>? sets = null, bool checkAnalysis = true,
        string? baseDirectory = null, bool checkPaths = false, bool stored = false, bool checkOtherProfiles = false,
        Analysis.AnalysisCheckMoment analysisMoment = Analysis.AnalysisCheckMoment.BeforeTraining)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = DecodeUtf8(File.ReadAllBytes(path), path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SpecException(new SpecError(path, 0, 0, "", "file not found"));
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw new SpecException(new SpecError(path, 0, 0, "", "is a folder; give a pipeline file (e.g. pipelines/synthetic-capacity.yaml)"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new SpecException(new SpecError(path, 0, 0, "", $"cannot read the file: {e.Message}"));
        }
        return LoadText(text, path, profile, sets, checkAnalysis,
            baseDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path)), checkPaths, stored: stored, checkOtherProfiles: checkOtherProfiles,
            analysisMoment: analysisMoment, recordedDataDirectory: checkPaths && baseDirectory is null ? StoredCopy.RecordedDataDirectory(path) : null);
    }

    /// <summary>
    /// What each profile of the file other than <paramref name="profile"/> would meet (without --set overrides, path
    /// checks or this machine's memory), each error marked with its profile: a typo in the gpu profile is found on the
    /// laptop, not when a cluster job selects it. The file's duplicate keys (<paramref name="duplicates"/>, reported once
    /// for the file) are left out. Empty when they all load.
    /// </summary>
    private static IReadOnlyList<SpecError> OtherProfileErrors(string yaml, string sourceName, string? profile, string baseDirectory,
        IReadOnlyCollection<SpecError> duplicates, Analysis.AnalysisCheckMoment analysisMoment)
    {
        var errors = new List<SpecError>();
        var sources = new SourceMap(sourceName);
        foreach (var name in Profiles.Names(Document(yaml, sources, []), sources).Where(n => n != profile))
        {
            try { LoadText(yaml, sourceName, name, baseDirectory: baseDirectory, checkResources: false, analysisMoment: analysisMoment); }
            catch (SpecException e)
            {
                errors.AddRange(e.Errors.Where(x => !duplicates.Contains(x)).Select(x => x with { Message = $"{x.Message} (with --profile {name})" }));
            }
        }
        return errors;
    }

    /// <summary>The file's text; bytes that are not UTF-8 are an error at their line and column (a
    /// replacement character would silently change a name or a path).</summary>
    private static string DecodeUtf8(byte[] bytes, string path)
    {
        var input = bytes.AsSpan(bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0);
        var chars = new char[input.Length];
        var status = System.Text.Unicode.Utf8.ToUtf16(input, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == System.Buffers.OperationStatus.Done) return new string(chars, 0, written);
        var before = chars.AsSpan(0, written);
        int line = before.Count('\n') + 1, column = written - before.LastIndexOf('\n');
        var bad = read < input.Length ? $" (byte 0x{input[read]:X2})" : " (it ends inside a character)";
        throw new SpecException(new SpecError(path, line, column, "", $"the file is not valid UTF-8{bad}; save it as UTF-8"));
    }

    /// <summary>As <see cref="Load"/>, for YAML already in memory; <paramref name="sourceName"/> names it in errors.</summary>
    /// <param name="checkResources">Check CPU runs' memory against this machine.</param>
    /// <param name="stored">See <see cref="Load"/>.</param>
    /// <param name="checkOtherProfiles">See <see cref="Load"/>.</param>
    /// <param name="analysisMoment">See <see cref="Load"/>.</param>
    /// <param name="recordedDataDirectory">Where the file is a sweep's stored copy (<see cref="StoredCopy"/>), the folder its runs read their
    /// data from: a missing path names it for --data-dir.</param>
    public static LoadedPipeline LoadText(string yaml, string sourceName, string? profile = null, IReadOnlyList<string>? sets = null,
        bool checkAnalysis = true, string? baseDirectory = null, bool checkPaths = false, bool checkResources = true, bool stored = false,
        bool checkOtherProfiles = false, Analysis.AnalysisCheckMoment analysisMoment = Analysis.AnalysisCheckMoment.BeforeTraining,
        string? recordedDataDirectory = null)
    {
        baseDirectory = Path.GetFullPath(baseDirectory ?? Directory.GetCurrentDirectory());
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        var sources = new SourceMap(sourceName);

        // Every binding error is collected (the binder mends the tree after each), then every
        // validation error of what could be bound, so one pass reports everything it can find.
        // A duplicate key is no binding error: the filter left the first copy, so the tree is well formed
        // and nothing below is a consequence of it; every check still runs and the duplicates join the errors at the end.
        var duplicates = new List<SpecError>();
        var errors = new List<SpecError>();
        YamlMappingNode root;
        IReadOnlyList<Analysis.RemovedSweepKey> removedSweepKeys;
        IReadOnlyList<string> setNotes;
        try
        {
            root = Document(yaml, sources, duplicates);
            root = Profiles.Apply(root, profile, sources);
            var beforeSets = root;
            root = ApplySets(root, sets ?? [], sources, out setNotes);
            removedSweepKeys = RemovedSweepKeys(beforeSets, root);
        }
        catch (SpecException e) when (duplicates.Count > 0)
        {
            throw Fail([.. duplicates, .. e.Errors]);
        }

        var mended = new MendedPaths();
        if (SpecBinder.BindAll(root, null, sources, errors, mended) is not var (spec, index)) throw Fail([.. duplicates, .. errors]);

        var axes = SweepPlanner.Plan(index, sources, errors, spec.Experiment, stored);
        IReadOnlyList<(string Key, IReadOnlyList<string> Values)> swept =
            [.. axes.Select(a => (a.ShortKey, (IReadOnlyList<string>)[.. a.Values.Select(v => v.Value ?? "")]))];
        // A table or plot whose keys already failed to bind would only repeat that error in SQL terms.
        var bound = errors.Select(e => e.Path).ToList();
        // The analysis is checked against the tables the runs will write: with the experiment unknown or in error, or the sweep in
        // error, those are not known, and its SQL errors would only contradict that error (no `metrics`, no swept column).
        bool tablesKnown = SpecValidator.IsExperiment(spec.Experiment)
            && !errors.Any(e => SpecPaths.IsAtOrUnder(e.Path, "experiment") || SpecPaths.IsAtOrUnder(e.Path, "sweep"));
        var (checkErrors, analysisWarnings) = checkAnalysis && tablesKnown
            ? AnalysisFindings(spec, swept, index, sources, yaml, new Analysis.AnalysisCheckContext(analysisMoment, removedSweepKeys))
            : ([], []);
        List<SpecError> analysisErrors = [.. Unmended(checkErrors, mended)
            .Where(e => !bound.Any(b => b.StartsWith("analysis.", StringComparison.Ordinal) && AnalysisItem(e.Path) == AnalysisItem(b)))];
        if (errors.Count > 0)
        {
            // Without a usable sweep there are no runs to check; check the document as written, and the values of the sweep
            // keys that did plan (a bad key must not hide a bad value of another: 'x' in a width list).
            if (axes.Count > 0)
                foreach (var run in SweepExpander.Expand(root, axes, sources))
                    SpecBinder.BindAll(run.Root, index, sources, errors, mended.Copy());
            errors.AddRange(analysisErrors);
            errors.AddRange(Unmended(SpecValidator.Validate(spec, index, sources, mended, checkResources, stored), mended));
            throw Fail([.. duplicates, .. errors]);
        }
        errors.AddRange(analysisErrors);   // bad SQL leaves the runs usable: they are still checked below

        var runs = new List<RunPlan>();
        var tokenizerChecks = new Dictionary<string, TokenizerCheck>(StringComparer.Ordinal);   // a tokenizer file is parsed once, not per run
        var runErrors = new List<(SpecError Error, string RunId)>();
        int expanded = 0;
        foreach (var run in SweepExpander.Expand(root, axes, sources))
        {
            // Each run is bound and validated on its own: a swept value is only valid in context
            // (warmup_steps < steps), and its errors point at the value in the sweep list.
            expanded++;
            var runMended = mended.Copy();   // what was mended in the document is mended in every run
            int before = runErrors.Count;
            if (SpecBinder.BindAll(run.Root, index, sources, errors, runMended) is not var (runSpec, runIndex)) continue;
            runErrors.AddRange(Unmended(SpecValidator.Validate(runSpec, runIndex, sources, runMended, checkResources, stored), runMended).Select(e => (e, run.RunId)));
            if (checkPaths) runErrors.AddRange(PathErrors(runSpec, runIndex, sources, baseDirectory, tokenizerChecks, recordedDataDirectory).Select(e => (e, run.RunId)));
            var vocabulary = runErrors.Count == before ? Vocabulary(runSpec, baseDirectory, checkPaths, tokenizerChecks) : null;
            var fit = vocabulary?.Identity is { } identity ? TokenizerFit.Check(runSpec.Data!, runSpec.Olmo, identity) : null;
            if (vocabulary is { Problem: { } problem })
                runErrors.Add((runIndex.ErrorAt(sources, "data.tokenizer.eos_token", problem.Replace("tokenizer.eos_token: ", "")), run.RunId));
            else if (fit is not null)
                runErrors.AddRange(fit.Problems.Select(p => (runIndex.ErrorAt(sources, p.Path, p.Message), run.RunId)));
            runs.Add(new RunPlan(run.RunId, run.Parameters, runSpec, SpecWriter.Write(runSpec)) { ModelVocab = fit?.ModelVocab });
        }
        errors.AddRange(InRuns(runErrors, expanded));
        if (errors.Count == 0 && AdviseRules.SizeError(spec, runs, index, sources) is { } sizeError) errors.Add(sizeError);
        if (errors.Count > 0) throw Fail([.. duplicates, .. errors]);
        var others = checkOtherProfiles ? OtherProfileErrors(yaml, sourceName, profile, baseDirectory, duplicates, analysisMoment) : [];
        if (duplicates.Count > 0 || others.Count > 0) throw new SpecException([.. Fail(duplicates).Errors, .. others]);

        return new LoadedPipeline(sourceName, profile, spec, SpecWriter.Write(spec), runs.AsReadOnly()) { BaseDirectory = baseDirectory, Swept = swept,
            AnalysisWarnings = [.. analysisWarnings, .. PresetSweep.SameShapes(runs)], SetNotes = setNotes,
            AnalysisDeclaredAt = AnalysisPositions.Of(spec.Analysis, index, sources, yaml.Split('\n')) };
    }

    /// <summary>An error that only some runs of a sweep have comes from a swept value, though a rule over two fields
    /// may name the one written in the file (heads must divide hidden, hidden swept): it says which runs.</summary>
    private static IEnumerable<SpecError> InRuns(List<(SpecError Error, string RunId)> runErrors, int runs) =>
        runErrors.GroupBy(r => r.Error).Select(g =>
        {
            var ids = g.Select(r => r.RunId).Distinct().ToList();
            if (ids.Count == runs || g.Key.Path.StartsWith(SpecSchema.SweepKey + ".", StringComparison.Ordinal)) return g.Key;
            return g.Key with { Message = $"{g.Key.Message} (in run{(ids.Count > 1 ? "s" : "")} {Messages.Listing.FirstFew(ids)})" };
        });

    /// <param name="duplicates">Where duplicate keys are reported (null: thrown); see <see cref="YamlSyntax.Parse"/>.</param>
    private static YamlMappingNode Document(string yaml, SourceMap sources, List<SpecError>? duplicates = null)
    {
        var documents = YamlSyntax.Parse(yaml, sources.FileSource, positioned: true, duplicates);
        if (documents.Count == 0 || YamlTree.IsNull(documents[0].RootNode))
            throw new SpecException(new SpecError(sources.FileSource, 1, 1, "",
                "the file is empty; expected a mapping with at least 'name'"));
        if (documents.Count > 1)
            throw new SpecException(sources.ErrorAt(documents[1].RootNode, "",
                "expected one YAML document, found a second one (a '---' line); put each pipeline in its own file"));
        if (documents[0].RootNode is not YamlMappingNode root)
            throw new SpecException(sources.ErrorAt(documents[0].RootNode, "",
                $"expected a mapping of keys ({string.Join(", ", SpecSchema.KeysOf(typeof(PipelineSpec)))}) at the top level, got {YamlTree.Describe(documents[0].RootNode)}"));
        return root;
    }

    /// <summary>The sweep keys the --set overrides removed (a set of a swept field wins over its sweep), with the value every
    /// run now has: an analysis written for the sweep may still read them from swept.arrow.</summary>
    private static IReadOnlyList<Analysis.RemovedSweepKey> RemovedSweepKeys(YamlMappingNode beforeSets, YamlMappingNode afterSets)
    {
        if (YamlTree.Get(beforeSets, SpecSchema.SweepKey) is not YamlMappingNode before) return [];
        var after = YamlTree.Get(afterSets, SpecSchema.SweepKey) as YamlMappingNode;
        return [.. before.Children.Keys.Select(YamlTree.KeyText).OfType<string>()
            .Where(key => after is null || YamlTree.Get(after, key) is null)
            .Select(key => new Analysis.RemovedSweepKey(key, Analysis.SweptKeyCoverage.ShortName(key), ValueText(afterSets, key.Split('.'))))];
    }

    /// <summary>The scalar at a dotted path as written, or null where there is none.</summary>
    private static string? ValueText(YamlNode node, IEnumerable<string> keys) =>
        YamlTree.At(node, keys) is YamlScalarNode { Value: { } v } ? v : null;

    /// <param name="notes">Each section a set added to the pipeline (<see cref="SetOverrides.AddedSection"/>), in words.</param>
    private static YamlMappingNode ApplySets(YamlMappingNode root, IReadOnlyList<string> sets, SourceMap sources, out IReadOnlyList<string> notes)
    {
        // Report every bad --set at once; a good one still applies so later ones see it.
        var errors = new List<SpecError>();
        var added = new List<string>();
        foreach (var set in sets)
        {
            try
            {
                if (SetOverrides.AddedSection(root, set) is { } section)
                    added.Add($"--set {set} adds '{section}', which the pipeline does not have, with its defaults for the keys " +
                              $"not set (a section present is on; --set '{section}={{...}}' writes it whole)");
                root = SetOverrides.Apply(root, set, sources);
            }
            catch (SpecException e)
            {
                errors.AddRange(e.Errors);
            }
        }
        notes = added;
        return errors.Count > 0 ? throw new SpecException(errors) : root;
    }

    /// <summary>The analysis SQL and plot columns checked against the tables the runs will write (errors), and the swept
    /// keys the analysis would mix (warnings: a shipped analysis run over a sweep it was not written for).</summary>
    private static (IReadOnlyList<SpecError> Errors, IReadOnlyList<Analysis.SweptKeyWarning> Warnings) AnalysisFindings(PipelineSpec spec,
        IReadOnlyList<(string Key, IReadOnlyList<string> Values)> swept, NodeIndex index, SourceMap sources, string yaml,
        Analysis.AnalysisCheckContext context)
    {
        Analysis.AnalysisCheckResult check;
        try
        {
            check = Analysis.AnalysisCheck.Run(Pipeline.RunTables.Of(spec, swept), spec.Analysis, context);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            // DuckDB is not shipped here (a trimmed GPU publish); the analysis runs elsewhere. Its tables' columns are
            // unknown, so only the plots are looked at.
            return ([], [.. Analysis.SweptKeyCoverage.Check(spec.Analysis, spec.Sweep, new Dictionary<string, IReadOnlyList<string>>()),
                .. Analysis.SweptKeyCoverage.Advice(spec.Experiment, spec.Analysis, spec.Sweep)]);
        }
        var lines = yaml.Split('\n');
        return ([.. check.Problems.Select(p => AtSqlLine(index.ErrorAt(sources, p.Path, p.Message), p.InSql, index.Nearest(p.Path, out _), sources, lines))],
            [.. Analysis.SweptKeyCoverage.Check(spec.Analysis, spec.Sweep, check.TableColumns), .. Analysis.SweptKeyCoverage.Advice(spec.Experiment, spec.Analysis, spec.Sweep)]);
    }

    /// <summary>DuckDB numbers the SQL's lines ("LINE 3:", a caret under the culprit), and a literal block's lines
    /// (<c>sql: |</c>) are the file's lines after its indicator: the error then points at that line and column, not at
    /// the <c>sql:</c> value (as a step failing when it runs does, <see cref="AnalysisPositions"/>).</summary>
    private static SpecError AtSqlLine(SpecError error, Analysis.SqlErrorLine? inSql, YamlNode node, SourceMap sources, string[] fileLines)
    {
        if (inSql is null || error.Line == 0 || SqlDeclarations.Of(node, sources, fileLines) is not { } declared) return error;
        var (line, column) = declared.At(inSql);
        return error with { Line = line, Column = column };
    }

    /// <summary>Local data paths that match no file and tokenizer files that do not exist, before any work.</summary>
    /// <param name="recordedDataDirectory">Where the file is a sweep's stored copy, the folder its runs read their data from.</param>
    private static IEnumerable<SpecError> PathErrors(PipelineSpec spec, NodeIndex index, SourceMap sources, string baseDirectory,
        Dictionary<string, TokenizerCheck> tokenizerChecks, string? recordedDataDirectory)
    {
        if (spec.Data is not { } data) yield break;
        var hint = recordedDataDirectory is not null ? StoredCopy.Hint(recordedDataDirectory)
            : " (relative paths resolve against the pipeline file's folder; --data-dir DIR points elsewhere)";
        SpecError At(string path, string message) => index.ErrorAt(sources, path, message);
        for (int i = 0; i < data.Sources.Count; i++)
        {
            Func<string, bool> accepts = data.Sources[i].Reads;
            for (int j = 0; j < data.Sources[i].Paths.Count; j++)
            {
                var entry = data.Sources[i].Paths[j];
                if (string.IsNullOrWhiteSpace(entry) || Data.Shard.IsUrl(entry.Trim())) continue;
                string? problem = null;
                IReadOnlyList<Data.Shard> shards = [];
                try { shards = Data.ShardList.Expand([entry], baseDirectory, accepts); }
                catch (Data.DataException e) { problem = e.Message; }
                if (problem is not null)
                    yield return At($"data.sources[{i}].paths[{j}]", problem + hint
                        + (recordedDataDirectory is null ? MissingDataHint.For(entry, baseDirectory, data.Sources[i], data.Tokenizer) : ""));
                if (data.Sources[i].Format != "pretokenized") continue;
                foreach (var dir in shards.Where(s => !Data.Shard.IsUrl(s.Location)).Select(s => Path.GetDirectoryName(s.Location)!).Distinct(StringComparer.Ordinal))
                    if (Data.PretokenizedManifest.Read(dir) is { } manifest)
                        foreach (var (key, message) in manifest.Disagreements(data.Sources[i], data.Tokenizer, CheckTokenizer(data.Tokenizer, baseDirectory, tokenizerChecks).Identity, dir))
                            yield return At(key == "source" ? $"data.sources[{i}]" : $"data.{key}", message);
            }
            if (data.Sources[i] is { Format: "pretokenized", TokenDtype: "uint16" } source
                && (source.EosTokenId ?? (data.Tokenizer.Kind == Data.TextTokenizer.Cl100kBase ? Data.Cl100kTokenizer.SpecialTokens.GetValueOrDefault(data.Tokenizer.EosToken) : 0)) is var eos and > ushort.MaxValue)
                yield return At($"data.sources[{i}]", $"EOS {eos} cannot occur in uint16 token files" + (source.EosTokenId is null
                    ? $" ({data.Tokenizer.Kind}'s, the tokenizer's default): set data.tokenizer to the tokenizer that wrote them (gpt2 for `pipeline data tokenize`'s default), or eos_token_id"
                    : ": give the EOS the files use"));
        }
        foreach (var (file, key) in new[] { (data.Tokenizer.Path, "path"), (data.Tokenizer.MergesPath, "merges_path") })
            if (!string.IsNullOrWhiteSpace(file) && !Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) && Path.GetFullPath(file, baseDirectory) is var full && !File.Exists(full))
                yield return At($"data.tokenizer.{key}", Data.TokenizerFiles.FolderProblem(full, data.Tokenizer.Kind, key) ?? ($"no such file '{full}'" + hint));
        // A tokenizer file that is there but unreadable fails here, not after the run's directory is made.
        if (!Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) && Data.TextTokenizer.Kinds.Contains(data.Tokenizer.Kind)
            && new[] { data.Tokenizer.Path, data.Tokenizer.MergesPath }.All(f => string.IsNullOrWhiteSpace(f) || File.Exists(Path.GetFullPath(f, baseDirectory)))
            && !string.IsNullOrWhiteSpace(data.Tokenizer.Path)
            && CheckTokenizer(data.Tokenizer, baseDirectory, tokenizerChecks).Problem is { } unreadable)
            yield return At("data.tokenizer.path", unreadable);
    }

    /// <summary>The vocabulary a run of the data stage or OLMo tokenizes with (size and EOS), known without a build where
    /// the kind pins it; built (once per spec and folder) for a file, or a built-in with another EOS token: its problem is
    /// then said at eos_token (a file's problems are said at its path). Null where nothing tokenizes or it cannot be had here.</summary>
    private static TokenizerCheck? Vocabulary(PipelineSpec spec, string baseDirectory, bool checkPaths, Dictionary<string, TokenizerCheck> cache)
    {
        if (spec.Experiment is not ("olmo" or "data") || spec.Data is not { } data) return null;
        if (TokenizerFit.Known(data.Tokenizer) is { } known) return new(null, known);
        if (!checkPaths || !Data.TextTokenizer.Kinds.Contains(data.Tokenizer.Kind)) return null;
        var check = CheckTokenizer(data.Tokenizer, baseDirectory, cache);
        return Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) || check.Problem is null ? check : null;
    }

    /// <summary>A tokenizer as validation builds it: what is wrong with its files, or what identifies it (for token files'
    /// manifests to be compared with); null for both when a built-in vocabulary cannot be had here (no npm, no network),
    /// which the run fetches and reports itself.</summary>
    private sealed record TokenizerCheck(string? Problem, Data.TokenizerIdentity? Identity);

    /// <summary>Builds the tokenizer once per spec and folder (a tokenizer file is parsed once, not per run).</summary>
    private static TokenizerCheck CheckTokenizer(Data.TokenizerSpec spec, string baseDirectory, Dictionary<string, TokenizerCheck> cache)
    {
        var key = $"{spec}|{baseDirectory}";
        if (cache.TryGetValue(key, out var check)) return check;
        try
        {
            var tokenizer = Data.TextTokenizer.Create(spec, baseDirectory);
            check = new(null, Data.TokenizerIdentity.Of(spec, tokenizer, baseDirectory));
        }
        catch (Exception e) when (e is Data.DataException or ArgumentException) { check = new(e.Message, null); }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException) { check = new(null, null); }
        return cache[key] = check;
    }

    /// <summary>"analysis.tables[2]" of "analysis.tables[2].sql".</summary>
    private static string AnalysisItem(string path)
    {
        var close = path.IndexOf(']');
        return close < 0 ? path : path[..(close + 1)];
    }

    private static IEnumerable<SpecError> Unmended(IEnumerable<SpecError> errors, MendedPaths mended) =>
        errors.Where(e => !mended.Covers(e.Path));

    /// <summary>Errors in file order, each once (runs that share a bad value report it once).</summary>
    private static SpecException Fail(IEnumerable<SpecError> errors) =>
        new(errors.Distinct()
            .OrderBy(e => e.Line == 0 ? 1 : 0)
            .ThenBy(e => e.Line)
            .ThenBy(e => e.Column)
            .ToList());
}
