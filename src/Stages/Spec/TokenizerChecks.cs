namespace Retention.Spec;

/// <summary>A tokenizer as validation builds it: what is wrong with its files, or what identifies it (for token files'
/// manifests to be compared with); null for both when a built-in vocabulary cannot be had here (no npm, no network),
/// which the run fetches and reports itself. <paramref name="EosMissing"/>: the problem is that the file lacks the EOS token
/// asked for, which data.tokenizer.eos_token sets.</summary>
internal sealed record TokenizerCheck(string? Problem, Data.TokenizerIdentity? Identity, bool EosMissing = false);

/// <summary>The tokenizers one load builds to check its runs, each once per spec and folder (a tokenizer file is parsed
/// once, not per run).</summary>
internal sealed class TokenizerChecks
{
    private readonly Dictionary<string, TokenizerCheck> _cache = new(StringComparer.Ordinal);

    public TokenizerCheck Check(Data.TokenizerSpec spec, string baseDirectory)
    {
        var key = $"{spec}|{baseDirectory}";
        if (_cache.TryGetValue(key, out var check)) return check;
        try
        {
            var tokenizer = Data.TextTokenizer.Create(spec, baseDirectory);
            check = new(null, Data.TokenizerIdentity.Of(spec, tokenizer, baseDirectory));
        }
        catch (Data.DataException e) { check = new(e.Message, null, e.MissingEosToken is not null); }
        catch (ArgumentException e) { check = new(e.Message, null); }
        catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException) { check = new(null, null); }
        return _cache[key] = check;
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
