using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>What a load checks of each run beyond its spec's rules.</summary>
/// <param name="BaseDirectory">What relative data and tokenizer paths resolve against.</param>
/// <param name="CheckPaths">Require every local data path and tokenizer file to exist, and build file tokenizers.</param>
/// <param name="Memory">What CPU runs' memory is checked against; null: not checked.</param>
/// <param name="Stored">The file is one this program wrote into a sweep (see <see cref="SpecLoader.Load"/>).</param>
/// <param name="RecordedDataDirectory">Where the file is a sweep's stored copy, the folder its runs read their data from.</param>
internal sealed record RunChecks(string BaseDirectory, bool CheckPaths, MemoryBudget? Memory, bool Stored, string? RecordedDataDirectory);

/// <summary>The sweep's runs, each bound, validated and fitted to its tokenizer on its own.</summary>
internal static class SweepRuns
{
    /// <summary>The run plans of a document that bound without error. Binding errors of a run go to
    /// <paramref name="errors"/> as found, then every run's other errors, each once, naming its runs where not all have it;
    /// its memory errors go to <paramref name="tooLarge"/> instead, by run.</summary>
    /// <param name="mended">What the binder mended in the document.</param>
    public static IReadOnlyList<RunPlan> Plan(YamlMappingNode root, IReadOnlyList<SweepAxis> axes, NodeIndex index, SourceMap sources,
        MendedPaths mended, RunChecks checks, List<SpecError> errors, out RunMemoryErrors tooLarge)
    {
        var runs = new List<RunPlan>();
        var tokenizers = new TokenizerChecks();
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
            runErrors.AddRange(LoadErrors.Unmended(SpecValidator.Validate(runSpec, runIndex, sources, runMended, checks.Memory, checks.Stored), runMended)
                .Select(e => (e, run.RunId)));
            if (checks.CheckPaths)
                runErrors.AddRange(DataPathErrors.Of(runSpec, runIndex, sources, checks.BaseDirectory, tokenizers, checks.RecordedDataDirectory)
                    .Select(e => (e, run.RunId)));
            var vocabulary = runErrors.Count == before ? tokenizers.Vocabulary(runSpec, checks.BaseDirectory, checks.CheckPaths) : null;
            var fit = vocabulary?.Identity is { } identity ? TokenizerFit.Check(runSpec.Data!, runSpec.Olmo, identity) : null;
            if (vocabulary is { Problem: { } problem })
                runErrors.Add((runIndex.ErrorAt(sources, "data.tokenizer.eos_token", problem.Replace("tokenizer.eos_token: ", "")), run.RunId));
            else if (fit is not null)
                runErrors.AddRange(fit.Problems.Select(p => (runIndex.ErrorAt(sources, p.Path, p.Message), run.RunId)));
            // Measured unless an error is at what it reads: another rule's error (an injection too dense for the rows) must not
            // hide that a reference task cannot fit seq_len at all, which raising seq_len for that rule would not mend either.
            var references = checks.CheckPaths && !runErrors.Skip(before).Any(e => TokenizerChecks.Unmeasurable(e.Error.Path))
                ? tokenizers.ReferenceProblems(runSpec, checks.BaseDirectory, checks.CheckPaths) : [];
            runErrors.AddRange((references ?? []).Select(p => (runIndex.ErrorAt(sources, p.Key, p.Problem), run.RunId)));
            if (checks.Memory is { } memory && runErrors.Count == before &&   // an estimate of a run that is wrong anyway says nothing
                ResourceRules.OlmoError(runSpec, fit?.ModelVocab, runIndex, sources, runMended, memory) is { } olmoTooLarge)
                runErrors.Add((olmoTooLarge, run.RunId));
            runs.Add(new RunPlan(run.RunId, run.Parameters, runSpec, SpecWriter.Write(runSpec)) { ModelVocab = fit?.ModelVocab, ReferenceLengthsAtRun = references is null });
        }
        errors.AddRange(LoadErrors.InRuns([.. runErrors.Where(e => e.Error.Kind != SpecErrorKind.Memory)], expanded));
        tooLarge = new([.. runErrors.Where(e => e.Error.Kind == SpecErrorKind.Memory)], expanded);
        return runs.AsReadOnly();
    }
}
