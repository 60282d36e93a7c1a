namespace Retention.Data;

/// <summary>
/// One document source of the data stage, as the YAML will declare it (keys are the snake_case
/// of the property names, e.g. <c>shuffle_buffer</c>). Not yet part of <c>PipelineSpec</c>.
/// </summary>
public sealed record DataSourceSpec
{
    /// <summary>Label of the source: the <c>source</c> of documents whose JSON has none, and the
    /// name its seed is derived from when <see cref="Seed"/> is not set.</summary>
    public string Name { get; init; } = "default";

    /// <summary>
    /// Where the shards are, each entry one of: a local file; a glob (<c>data/*.json.gz</c>,
    /// <c>data/**/part-*.jsonl</c>; <c>*</c> and <c>?</c> stay within one folder, <c>**</c> crosses
    /// folders); a folder (its shard files); an <c>http://</c> or <c>https://</c> URL; a text file
    /// (<c>.txt</c> or <c>.urls</c>) listing such entries one per line (<c>#</c> starts a comment).
    /// Relative paths are relative to the pipeline file's folder (a list's entries: to the list's).
    /// The union is de-duplicated and sorted, so the listing order never matters.
    /// </summary>
    public required IReadOnlyList<string> Paths { get; init; }

    /// <summary>Relative share of this source in a mix (&gt; 0): the next document comes from
    /// source i with probability weight_i / sum of the weights of the sources not yet exhausted.</summary>
    public double Weight { get; init; } = 1.0;

    /// <summary><c>dolma</c>: JSON lines with <c>text</c> (and <c>id</c>, <c>source</c>), plain
    /// (<c>.json</c>, <c>.jsonl</c>, <c>.ndjson</c>), gzip (<c>.gz</c>) or zstd (<c>.zst</c>).
    /// <c>pretokenized</c>: OLMo's token files (flat arrays of <see cref="TokenDtype"/>).</summary>
    public string Format { get; init; } = "dolma";

    /// <summary>false: a bad line or shard is recorded in data_quality.arrow and skipped.
    /// true: the first one stops the run with "shard:line: reason: detail".</summary>
    public bool Strict { get; init; } = false;

    /// <summary>Documents are read in blocks of this many and each block is shuffled with the
    /// seed (1 = file order). Memory holds one block; a resume re-reads at most one block.</summary>
    public int ShuffleBuffer { get; init; } = 1000;

    /// <summary>Shuffle the sorted shard list with the seed, afresh for every epoch.</summary>
    public bool ShuffleShards { get; init; } = true;

    /// <summary>Seed of the shard order and document shuffle. Unset: derived from the run's seed
    /// and <see cref="Name"/>, so two sources of one run never share a random stream.</summary>
    public long? Seed { get; init; }

    /// <summary>Passes over the shards (each reshuffled); 0 = repeat forever. When a finite
    /// source of a mix is exhausted the others go on.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary><c>pretokenized</c> only: uint16 (vocabularies below 65,536, OLMo's default) or uint32.
    /// A file with a .npy header must agree.</summary>
    public string TokenDtype { get; init; } = "uint16";

    /// <summary><c>pretokenized</c> only: the end-of-document token that separates documents
    /// (50279 for OLMo-1's GPT-NeoX vocabulary). Unset: the tokenizer's own EOS. The packer puts the
    /// tokenizer's EOS between documents, as it does for text.</summary>
    public int? EosTokenId { get; init; }

    /// <summary>The keys (snake_case) a source of <paramref name="format"/> never reads: a text source is separated by the
    /// tokenizer's EOS, and a pre-tokenized one has no document shuffle.</summary>
    public static IReadOnlyList<string> UnreadKeys(string format) => format switch
    {
        "dolma" => ["token_dtype", "eos_token_id"],
        "pretokenized" => ["shuffle_buffer"],
        _ => [],
    };

    /// <summary>Whether a file of this name is one this source's format reads (a glob or folder takes only those).</summary>
    public bool Reads(string fileName) => Format == "pretokenized" ? PretokenizedSource.IsTokenFileName(fileName) : Shard.IsDolmaName(fileName);

    /// <summary>The problems of this spec, each prefixed with <paramref name="path"/> (its dotted
    /// YAML path, e.g. <c>data.sources[0]</c>); empty when valid.</summary>
    public IReadOnlyList<string> Validate(string path)
    {
        var errors = new List<string>();
        if (Paths.Count == 0 || Paths.Any(string.IsNullOrWhiteSpace))
            errors.Add($"{path}.paths: needs at least one non-empty path, glob or URL");
        if (!(Weight > 0) || double.IsInfinity(Weight))
            errors.Add($"{path}.weight: must be a positive number (got {Weight})");
        if (Format is not ("dolma" or "pretokenized"))
            errors.Add($"{path}.format: must be dolma or pretokenized (got '{Format}')");
        if (ShuffleBuffer < 1)
            errors.Add($"{path}.shuffle_buffer: must be at least 1 (got {ShuffleBuffer})");
        if (Epochs < 0)
            errors.Add($"{path}.epochs: must be 0 (repeat forever) or more (got {Epochs})");
        if (TokenDtype is not ("uint16" or "uint32"))
            errors.Add($"{path}.token_dtype: must be uint16 or uint32 (got '{TokenDtype}')");
        if (EosTokenId is < 0)
            errors.Add($"{path}.eos_token_id: must be a token id >= 0 (got {EosTokenId})");
        return errors;
    }
}
