using System.Text.Json;

namespace Retention.Data;

/// <summary>
/// What `pipeline data tokenize` records beside its token files (<c>pretokenized.json</c>): the tokenizer (its kind,
/// files, EOS token and id, vocabulary size and a hash of its files) and the dtype. Token files carry no header
/// that says so, and a pipeline that reads them with another tokenizer (the YAML's default is cl100k_base,
/// `data tokenize`'s gpt2, or a `bpe` kind with other files) packs with an EOS the files never contain: one
/// endless document. Validation compares the pipeline with it.
/// </summary>
/// <remarks>The init properties came later: a folder written before has none, and what it does not record is not compared.</remarks>
public sealed record PretokenizedManifest(string Tokenizer, string? TokenizerPath, int EosTokenId, int VocabSize, string Dtype)
{
    public const string FileName = "pretokenized.json";

    /// <summary>bpe: the merges file, absolute.</summary>
    public string? MergesPath { get; init; }

    /// <summary>The EOS token's text (its id is <see cref="EosTokenId"/>).</summary>
    public string? EosToken { get; init; }

    /// <summary><see cref="TokenizerIdentity.FilesSha256"/>: null for a built-in kind.</summary>
    public string? TokenizerSha256 { get; init; }

    // Readable: an EOS token such as <|endoftext|> is written as it is, not \u003C-escaped.
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The manifest of files written by <paramref name="tokenizer"/>, built from <paramref name="spec"/> (paths resolved
    /// against the current directory).</summary>
    public static PretokenizedManifest Of(TokenizerSpec spec, TextTokenizer tokenizer, string dtype) =>
        new(spec.Kind, Absolute(spec.Path), tokenizer.EosId, tokenizer.VocabSize, dtype)
        {
            MergesPath = Absolute(spec.MergesPath),
            EosToken = spec.EosToken,
            TokenizerSha256 = TokenizerIdentity.FilesSha256(spec),
        };

    public void Write(string dir) => Artifacts.AtomicFile.WriteText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>The manifest in <paramref name="dir"/>, or null when there is none (files from elsewhere) or it cannot be read.</summary>
    public static PretokenizedManifest? Read(string dir)
    {
        var path = Path.Combine(dir, FileName);
        try { return File.Exists(path) ? JsonSerializer.Deserialize<PretokenizedManifest>(File.ReadAllText(path), Json) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    /// <summary>Where a pre-tokenized source read with <paramref name="tokenizer"/> disagrees with the files' manifest: the
    /// key to change (<c>source.token_dtype</c> or <c>source.eos_token_id</c> for the source's own keys, else a
    /// <c>tokenizer.*</c> key), so the error stands at the key the message says to set, and what to do.</summary>
    /// <param name="identity">The pipeline's tokenizer as built (null when it could not be: its own error says why).</param>
    /// <param name="baseDirectory">What the pipeline's relative tokenizer paths resolve against (null: the current folder).</param>
    public IEnumerable<(string Key, string Message)> Disagreements(DataSourceSpec source, TokenizerSpec tokenizer, TokenizerIdentity? identity, string dir,
        string? baseDirectory = null)
    {
        var written = WrittenBy(dir);
        if (source.TokenDtype != Dtype)
            yield return ("source.token_dtype", $"{written} as {Dtype}: set token_dtype: {Dtype}");
        // Another kind may hold the same vocabulary (GPT-2's as a tokenizer.json): an explicit, equal eos_token_id says so.
        if (tokenizer.Kind != Tokenizer && source.EosTokenId != EosTokenId)
            yield return ("tokenizer.kind", $"{written}: set {AsWritten()} (the packer's EOS and the vocabulary come from it; " +
                $"with {tokenizer.Kind} the documents' EOS {EosTokenId} is not found and the model's vocabulary is wrong), " +
                $"or eos_token_id: {EosTokenId} on the source if {tokenizer.Kind} has the same vocabulary");
        if (source.EosTokenId is { } eos && eos != EosTokenId)
            yield return ("source.eos_token_id", $"{written}: its documents end with EOS {EosTokenId}, not eos_token_id {eos}");
        // An equal eos_token_id vouches for the same vocabulary; its size can still say otherwise (bytes' ids read as GPT-2's).
        // Without one, the other kind is said above, once.
        else if (source.EosTokenId is not null && tokenizer.Kind != Tokenizer && identity is not null && identity.VocabSize != VocabSize)
            yield return ("tokenizer.kind", $"{written} (vocabulary {VocabSize:N0}), but data.tokenizer ({tokenizer.Kind}) has a vocabulary of " +
                $"{identity.VocabSize:N0}: its ids mean other tokens, whatever eos_token_id says; set {AsWritten()} as it was written");
        if (tokenizer.Kind == Tokenizer && identity is not null && Mismatch(tokenizer, identity, dir, baseDirectory ?? Directory.GetCurrentDirectory()) is { } mismatch)
            yield return mismatch;
    }

    /// <summary>Who wrote the token files in <paramref name="dir"/>, as the messages say it.</summary>
    public string WrittenBy(string dir) => $"the token files in {dir} were written by `pipeline data tokenize --tokenizer {Tokenizer}`";

    /// <summary>The same kind, another tokenizer: other files, another vocabulary or another EOS token.</summary>
    (string Key, string Message)? Mismatch(TokenizerSpec tokenizer, TokenizerIdentity identity, string dir, string baseDirectory)
    {
        bool sameFiles = TokenizerSha256 is null || identity.Sha256 is null || TokenizerSha256 == identity.Sha256;
        if (identity.VocabSize == VocabSize && identity.EosId == EosTokenId && sameFiles) return null;
        var files = TextTokenizer.FileKeys(Tokenizer);
        var recorded = $"`pipeline data tokenize --tokenizer {Tokenizer}{Option("--tokenizer-path", TokenizerPath)}{Option("--merges-path", MergesPath)}{Option("--eos-token", OtherEosToken)}` " +
            $"({Describe(VocabSize, EosTokenId, TokenizerSha256)})";
        var pipeline = $"data.tokenizer ({tokenizer.Kind}{(tokenizer.Path is null ? "" : $", path {tokenizer.Path}")}" +
            $"{(tokenizer.MergesPath is null ? "" : $", merges_path {tokenizer.MergesPath}")}) has {Describe(identity.VocabSize, identity.EosId, identity.Sha256)}";
        var consequence = identity.EosId != EosTokenId ? $"; its packer would look for EOS {identity.EosId}, which the files never contain" : "";
        // A built-in vocabulary, or the same files as recorded: only the EOS token differs, set at its key (the files are right).
        if (files.Count == 0 || (sameFiles && identity.VocabSize == VocabSize))
            return ("tokenizer.eos_token", $"the token files in {dir} were written by {recorded}, but {pipeline}{consequence}: " +
                $"set data.tokenizer.eos_token: '{EosToken ?? "<|endoftext|>"}'");
        var keys = string.Join(" and ", files.Select(k => $"data.tokenizer.{k}"));
        var where = string.Join(", ", new[] { ("path", TokenizerPath), ("merges_path", MergesPath) }
            .Where(f => files.Contains(f.Item1) && f.Item2 is not null).Select(f => $"{f.Item1}: '{f.Item2}'"));
        var formatting = identity.VocabSize == VocabSize && identity.EosId == EosTokenId
            ? $" (the vocabulary size and EOS agree: if the files hold the same vocabulary, written otherwise, remove tokenizer_sha256 from its {FileName})" : "";
        // The files the pipeline names are those recorded, changed since: "set the path to the files that wrote them" named
        // the path it already had.
        bool samePlace = TokenizerPath is not null && SamePath(TokenizerPath, tokenizer.Path, baseDirectory)
            && (MergesPath is null || SamePath(MergesPath, tokenizer.MergesPath, baseDirectory));
        if (samePlace)
            return ($"tokenizer.{files[0]}", $"the token files in {dir} were written by {recorded}, but {pipeline}{consequence}: " +
                $"the tokenizer's files at the same place have changed since: put back the version that wrote them, or write the token " +
                $"files again with these (`pipeline data tokenize SHARDS... --out {dir}` with the options above){formatting}");
        return ($"tokenizer.{files[0]}", $"the token files in {dir} were written by {recorded}, but {pipeline}{consequence}: " +
            $"set {keys} to the files that wrote them{(where.Length > 0 ? $" ({where})" : "")}{formatting}");
    }

    /// <summary>The pipeline setting of the tokenizer that wrote the files: `data.tokenizer.kind: gpt2` for a built-in kind, else the
    /// kind with its recorded files, ready to paste (`data.tokenizer: {kind: bpe, path: '...', merges_path: '...'}`): "set
    /// data.tokenizer.kind: bpe" alone was refused next for want of the files, which only pretokenized.json still named.</summary>
    string AsWritten()
    {
        var files = new[] { ("path", TokenizerPath), ("merges_path", MergesPath) }.Where(f => f.Item2 is not null)
            .Select(f => $", {f.Item1}: '{f.Item2!.Replace("'", "''")}'").ToList();
        if (OtherEosToken is { } eos) files.Add($", eos_token: '{eos.Replace("'", "''")}'");
        return files.Count == 0 ? $"data.tokenizer.kind: {Tokenizer}" : $"data.tokenizer: {{kind: {Tokenizer}{string.Concat(files)}}}";
    }

    /// <summary>The EOS token when `--eos-token` gave one other than the default (which a setting to paste must then name).</summary>
    string? OtherEosToken => EosToken is { } eos && eos != new TokenizerSpec().EosToken ? eos : null;

    static bool SamePath(string recorded, string? configured, string baseDirectory) =>
        configured is not null && Path.GetFullPath(configured, baseDirectory) == recorded;

    static string? Absolute(string? path) => path is null ? null : Path.GetFullPath(path);

    static string Option(string name, string? value) => value is null ? "" : $" {name} {Pipeline.ShellWords.Quote(value)}";

    static string Describe(int vocabSize, int eos, string? sha256) =>
        $"vocabulary {vocabSize:N0}, EOS {eos}" + (sha256 is null ? "" : $", files sha256 {sha256[..12]}…");
}
