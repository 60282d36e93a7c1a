using System.Text.Json;

namespace Retention.Data;

/// <summary>
/// What `pipeline data tokenize` records beside its token files (<c>pretokenized.json</c>): the tokenizer,
/// its EOS and vocabulary, and the dtype. Token files carry no header that says so, and a pipeline that
/// reads them with another tokenizer (the YAML's default is cl100k_base, `data tokenize`'s gpt2) packs
/// with an EOS the files never contain: one endless document. Validation compares the pipeline with it.
/// </summary>
public sealed record PretokenizedManifest(string Tokenizer, string? TokenizerPath, int EosTokenId, int VocabSize, string Dtype)
{
    public const string FileName = "pretokenized.json";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public void Write(string dir) => Artifacts.AtomicFile.WriteText(Path.Combine(dir, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>The manifest in <paramref name="dir"/>, or null when there is none (files from elsewhere) or it cannot be read.</summary>
    public static PretokenizedManifest? Read(string dir)
    {
        var path = Path.Combine(dir, FileName);
        try { return File.Exists(path) ? JsonSerializer.Deserialize<PretokenizedManifest>(File.ReadAllText(path), Json) : null; }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    /// <summary>Where a pre-tokenized source read with <paramref name="tokenizer"/> disagrees with the files' manifest.</summary>
    public IEnumerable<string> Disagreements(DataSourceSpec source, TokenizerSpec tokenizer, string dir)
    {
        var written = $"the token files in {dir} were written by `pipeline data tokenize --tokenizer {Tokenizer}`";
        if (source.TokenDtype != Dtype)
            yield return $"{written} as {Dtype}: set token_dtype: {Dtype}";
        // Another kind may hold the same vocabulary (GPT-2's as a tokenizer.json): an explicit, equal eos_token_id says so.
        if (tokenizer.Kind != Tokenizer && source.EosTokenId != EosTokenId)
            yield return $"{written}: set data.tokenizer.kind: {Tokenizer} (the packer's EOS and the vocabulary come from it; " +
                $"with {tokenizer.Kind} the documents' EOS {EosTokenId} is not found and the model's vocabulary is wrong), " +
                $"or eos_token_id: {EosTokenId} on the source if {tokenizer.Kind} has the same vocabulary";
        if (source.EosTokenId is { } eos && eos != EosTokenId)
            yield return $"{written}: its documents end with EOS {EosTokenId}, not eos_token_id {eos}";
    }
}
