namespace Retention.Spec;

/// <summary>A tokenizer as validation builds it: what is wrong with its files, or what identifies it (for token files'
/// manifests to be compared with); null for both when a built-in vocabulary cannot be had here (no npm, no network),
/// which the run fetches and reports itself. <paramref name="EosMissing"/>: the problem is that the file lacks the EOS token
/// asked for, which data.tokenizer.eos_token sets. <paramref name="Tokenizer"/>: the tokenizer built, where it was.</summary>
internal sealed record TokenizerCheck(string? Problem, Data.TokenizerIdentity? Identity, bool EosMissing = false, Data.TextTokenizer? Tokenizer = null);

/// <summary>The tokenizers one load builds to check its runs, each once per spec and folder (a tokenizer file is parsed
/// once, not per run).</summary>
internal sealed class TokenizerChecks
{
    private readonly Dictionary<string, TokenizerCheck> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<(string Key, string Problem)>> _references = new(StringComparer.Ordinal);

    public TokenizerCheck Check(Data.TokenizerSpec spec, string baseDirectory)
    {
        var key = $"{spec}|{baseDirectory}";
        if (_cache.TryGetValue(key, out var check)) return check;
        try
        {
            var tokenizer = Data.TextTokenizer.Create(spec, baseDirectory);
            check = new(null, Data.TokenizerIdentity.Of(spec, tokenizer, baseDirectory), Tokenizer: tokenizer);
        }
        catch (Data.DataException e) { check = new(e.Message, null, e.MissingEosToken is not null); }
        catch (ArgumentException e) { check = new(e.Message, null); }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException) { check = new(null, null); }
        return _cache[key] = check;
    }

    /// <summary>The olmo.reference_tasks whose longest instance does not fit data.packing.seq_len, each at its key
    /// (<see cref="Data.ReferenceTask.Fitted"/>, the run's own rule), where the tokenizer can be had here without a fetch: a
    /// file's (when paths are checked), cl100k_base's (shipped in the program), gpt2's once its files are cached. Null where it
    /// cannot: the run checks them once it has fetched the tokenizer. Each tokenizer and list of tasks is tokenized once per load.</summary>
    public IReadOnlyList<(string Key, string Problem)>? ReferenceProblems(PipelineSpec spec, string baseDirectory, bool checkPaths)
    {
        if (spec is not { Experiment: "olmo", Olmo.ReferenceTasks.Count: > 0, Data: { } data }) return [];
        var tokenizer = data.Tokenizer.Kind switch
        {
            Data.TextTokenizer.Gpt2 when !Data.Gpt2Vocabulary.Cached() => null,
            Data.TextTokenizer.Cl100kBase or Data.TextTokenizer.Gpt2 => Check(data.Tokenizer, baseDirectory).Tokenizer,
            _ => checkPaths ? Check(data.Tokenizer, baseDirectory).Tokenizer : null,
        };
        if (tokenizer is null) return null;
        var key = $"{data.Tokenizer}|{baseDirectory}|{data.Packing.SeqLen}|{string.Join("|", spec.Olmo.ReferenceTasks)}";
        if (_references.TryGetValue(key, out var problems)) return problems;
        return _references[key] = [.. Data.ReferenceTask.Fitted(spec.Olmo.ReferenceTasks, tokenizer, data.Packing.SeqLen)
            .Where(f => f.Problem is not null).Select(f => (f.Key, f.Problem!))];
    }

    /// <summary>Whether an error at <paramref name="path"/> (a swept value's under sweep.) is at what <see cref="ReferenceProblems"/>
    /// reads (the tokenizer, seq_len, the reference tasks, or a whole section): their lengths cannot be measured then.</summary>
    public static bool Unmeasurable(string path)
    {
        var key = path.StartsWith(SpecSchema.SweepKey + ".", StringComparison.Ordinal) ? path[(SpecSchema.SweepKey.Length + 1)..] : path;
        return key is "" or "data" or "olmo" or "experiment" ||
            new[] { "data.tokenizer", "data.packing.seq_len", "olmo.reference_tasks" }.Any(k => key == k || key.StartsWith(k + ".", StringComparison.Ordinal) || key.StartsWith(k + "[", StringComparison.Ordinal));
    }

    /// <summary>The vocabulary a run of the data stage or OLMo tokenizes with (size and EOS), known without a build where
    /// the kind pins it; built for a file, or a built-in with another EOS token: its problem is then said at eos_token (a
    /// file's problems are said at its path). Null where nothing tokenizes or it cannot be had here.</summary>
    public TokenizerCheck? Vocabulary(PipelineSpec spec, string baseDirectory, bool checkPaths)
    {
        if (spec.Experiment is not ("olmo" or "data") || spec.Data is not { } data) return null;
        if (TokenizerFit.Known(data.Tokenizer) is { } known) return new(null, known);
        if (!checkPaths || !Data.TextTokenizer.Kinds.Contains(data.Tokenizer.Kind)) return null;
        var check = Check(data.Tokenizer, baseDirectory);
        return Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind) || check.Problem is null ? check : null;
    }
}
