using Retention.Data;

namespace Retention.Tests.Data;

/// <summary>
/// An in-memory document source with the resume contract the data stream relies on: Open(cursor)
/// continues after the cursor's delivered documents, and <see cref="Cursor"/> read between two
/// MoveNext calls describes the position after the last document yielded.
/// </summary>
public sealed class ListSource(IReadOnlyList<Document> documents)
{
    private long _delivered;

    public SourceCursor Cursor => new(0, _delivered, _delivered, 0);

    public IEnumerable<Document> Open(SourceCursor? from = null)
    {
        _delivered = from?.DocumentsDelivered ?? 0;
        while (_delivered < documents.Count)
        {
            var doc = documents[(int)_delivered];
            _delivered++; // before yielding: the cursor already points past this document
            yield return doc;
        }
    }
}

public static class DataFixtures
{
    private static readonly Lazy<TextTokenizer> Cl100k = new(() => Cl100kTokenizer.Create());
    public static TextTokenizer Tokenizer => Cl100k.Value;

    private static readonly string[] Words =
    [
        "the", "of", "and", "retention", "capacity", "interference", "model", "token", "rare", "frequent",
        "gradient", "width", "Dolma", "OLMo", "résumé", "naïve", "東京", "😀", "1999", "3.14159", "e-mail",
        "don't", "WE'LL", "x=y+1;", "(parenthesis)", "\"quoted\"", "tab\there", "new\nline", "  spaces  ",
    ];

    /// <summary>Deterministic documents of varied length (1 to ~maxWords words), some empty-ish, some long.</summary>
    public static List<Document> Documents(int count, int seed = 1, int maxWords = 120)
    {
        var rng = StableRng.Seed(seed, 99);
        var docs = new List<Document>(count);
        for (int i = 0; i < count; i++)
        {
            int words = i % 17 == 0 ? rng.NextInt(8 * maxWords) + 1 : rng.NextInt(maxWords) + 1;
            var text = string.Join(rng.NextInt(5) == 0 ? ", " : " ", Enumerable.Range(0, words).Select(_ => Words[rng.NextInt(Words.Length)]));
            if (i % 13 == 0) text += ".\n\n";
            docs.Add(new Document($"doc-{i}", text, "test", new DocumentPosition("mem", 0, i + 1)));
        }
        return docs;
    }

    public static TokenizedDocument Tokenized(long index, params int[] tokens) =>
        new(index, new Document($"d{index}", "", "test", new DocumentPosition("mem", 0, index + 1)), tokens, null);
}
