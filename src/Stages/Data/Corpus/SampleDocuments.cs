using System.Text.Json;

namespace Retention.Data.Corpus;

/// <summary>
/// What `data sample` writes for each document: the document's own JSON line, and where it came from in a
/// file beside the shards (<see cref="ProvenanceFile"/>), never inside the document, where it could replace
/// a field the corpus has (Dolma's <c>metadata</c>, say).
/// </summary>
public static class SampleDocuments
{
    /// <summary>One row per sampled document, in the order of the shards and their lines.</summary>
    public const string ProvenanceFile = "sample-provenance.csv";

    public const string ProvenanceHeader = "file,line,id,shard,shard_line";

    /// <summary>
    /// The document's line as read, verbatim, with every field and its formatting. A line with no <c>id</c> key
    /// gets the id the reader gave it from its original shard and line (first in the object): read from the
    /// sample it would otherwise get one from the sample's shard, and the held-out split, which hashes ids,
    /// would differ from the corpus's. An <c>id</c> that is there but null or not a string is left as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The document was read without its line.</exception>
    public static string Line(Document d)
    {
        var json = d.Json ?? throw new ArgumentException($"document {d.Id} was read without its JSON line (keepJson: false)");
        // Only a line without an id (or with a null one) was given "<shard>:<line>"; the suffix test spares parsing the rest.
        if (!d.Id.EndsWith($":{d.Position.Line}", StringComparison.Ordinal) || HasKey(json, "id")) return json;
        var open = json.IndexOf('{');   // the reader accepted it as an object with a text field, so '{' opens it and a field follows
        return $"{json[..(open + 1)]}\"id\":{JsonSerializer.Serialize(d.Id)},{json[(open + 1)..]}";
    }

    /// <summary>The CSV row (RFC 4180 quoting) saying that line <paramref name="line"/> (1-based) of <paramref name="file"/>
    /// is the document read at its shard and line.</summary>
    public static string ProvenanceRow(string file, long line, Document d) =>
        string.Join(',', Csv(file), line, Csv(d.Id), Csv(d.Position.Shard), d.Position.Line);

    static bool HasKey(string json, string key)
    {
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty(key, out _);
    }

    static string Csv(string field) => field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
