using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Retention.Data;

/// <summary>
/// Byte-level BPE vocabularies from files the user names: a Hugging Face tokenizer.json (model type
/// BPE, as GPT-NeoX-20B's and OLMo-1's) or a GPT-2 style vocab.json + merges.txt pair. Encoded with
/// Microsoft.ML.Tokenizers' BpeTokenizer in byte-level mode and the GPT-2 split pattern (what a
/// ByteLevel pre-tokenizer with use_regex does). Added tokens give the special ids (EOS among them)
/// but are not recognised inside document text (encode_ordinary semantics, as for cl100k_base).
/// Not reproduced: a tokenizer.json normalizer (GPT-NeoX declares NFC; with invariant globalization
/// .NET only normalises ASCII, and Dolma text is NFC already) and add_prefix_space.
/// </summary>
public static class HuggingFaceBpe
{
    /// <summary>GPT-2's split pattern (also GPT-NeoX's, via its ByteLevel pre-tokenizer).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    /// <exception cref="DataException">The file is missing, not JSON, or not a byte-level BPE tokenizer; the message names it.</exception>
    public static TextTokenizer FromTokenizerJson(string path, string eosToken) =>
        Reading(path, "a Hugging Face tokenizer.json", () => ParseTokenizerJson(path, eosToken));

    /// <exception cref="DataException">A file is missing or not what it should be; the message names it.</exception>
    public static TextTokenizer FromVocabAndMerges(string vocabPath, string mergesPath, string eosToken) =>
        Reading(vocabPath, "a GPT-2 style vocab.json (with merges.txt)", () => ParseVocabAndMerges(vocabPath, mergesPath, eosToken));

    /// <summary>Turns what a bad tokenizer file throws (JSON errors, missing keys, wrong value kinds) into one
    /// message naming the file, before any training.</summary>
    static TextTokenizer Reading(string path, string what, Func<TextTokenizer> read)
    {
        try { return read(); }
        catch (InvalidDataException e) { throw new DataException(e.Message); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new DataException($"{path}: cannot read it as {what}: {e.Message}");
        }
    }

    static TextTokenizer ParseTokenizerJson(string path, string eosToken)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = doc.RootElement;
        if (!root.TryGetProperty("model", out var model) || Str(model, "type") is not ("BPE" or null))
            throw new InvalidDataException($"{path}: model.type must be BPE (got '{(root.TryGetProperty("model", out var m) ? Str(m, "type") : null)}').");
        // Only byte-level BPE is reproduced; a Metaspace/SentencePiece-style file would encode wrongly, so refuse it.
        if (root.TryGetProperty("pre_tokenizer", out var pre) && pre.ValueKind == JsonValueKind.Object && !pre.GetRawText().Contains("\"ByteLevel\"", StringComparison.Ordinal))
            throw new InvalidDataException($"{path}: only byte-level BPE tokenizers are supported (pre_tokenizer has no ByteLevel step).");
        var vocab = new Dictionary<string, int>();
        foreach (var entry in model.GetProperty("vocab").EnumerateObject()) vocab[entry.Name] = entry.Value.GetInt32();
        var merges = new List<string>();
        foreach (var merge in model.GetProperty("merges").EnumerateArray())
        {
            // Older files write "a b"; tokenizers ≥ 0.20 writes ["a", "b"] (tokens may then contain spaces).
            merges.Add(merge.ValueKind == JsonValueKind.String ? merge.GetString()! : $"{merge[0].GetString()} {merge[1].GetString()}");
        }
        var added = new Dictionary<string, int>();
        if (root.TryGetProperty("added_tokens", out var addedTokens))
            foreach (var token in addedTokens.EnumerateArray()) added[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
        return Build(path, vocab, merges, added, eosToken);
    }

    static TextTokenizer ParseVocabAndMerges(string vocabPath, string mergesPath, string eosToken)
    {
        var vocab = JsonSerializer.Deserialize<Dictionary<string, int>>(File.ReadAllBytes(vocabPath))
            ?? throw new InvalidDataException($"{vocabPath}: not a JSON object of token → id.");
        // merges.txt: an optional "#version" header, then one "a b" pair per line in priority order.
        var merges = File.ReadLines(mergesPath).Where(l => l.Length > 0 && !l.StartsWith("#version", StringComparison.Ordinal)).ToList();
        return Build(vocabPath, vocab, merges, added: new Dictionary<string, int>(), eosToken);
    }

    private static TextTokenizer Build(string name, Dictionary<string, int> vocab, List<string> merges,
        Dictionary<string, int> added, string eosToken)
    {
        var all = new Dictionary<string, int>(vocab);
        foreach (var (token, id) in added) all[token] = id;
        if (!all.TryGetValue(eosToken, out int eos))
            // The file's added tokens are where its EOS usually is ('</s>'): named, so the user can pick it.
            throw new DataException($"{name}: the EOS token '{eosToken}' is not in the vocabulary or added tokens" +
                (added.Count == 0 ? "" : $" (its added tokens: {string.Join(", ", added.Keys.Take(8).Select(t => $"'{t}'"))}{(added.Count > 8 ? ", ..." : "")})"))
            { MissingEosToken = eosToken };
        // From the parsed files, not the files again: a file changed during the run cannot give a thread another tokenizer.
        Tokenizer Another() => BpeTokenizer.Create(new BpeOptions(vocab)
        {
            Merges = merges,
            ByteLevel = true,
            PreTokenizer = new RegexPreTokenizer(new Regex(Gpt2Pattern, RegexOptions.Compiled), specialTokens: null),
            SpecialTokens = added.Count > 0 ? added : null,
        });
        return new TextTokenizer(name, Another, all.Values.Max() + 1, eos);
    }

    private static string? Str(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
