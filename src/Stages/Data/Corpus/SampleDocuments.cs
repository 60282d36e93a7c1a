using System.Text;
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
    /// The document's line as read, verbatim, with every field and its formatting, unless the reader named the
    /// document itself: a line with no <c>id</c> key, or one whose <c>id</c> is no id (null, a boolean, an object, an
    /// array or a blank string; the reader takes other strings and numbers), was named from its original shard and line. Read from the
    /// sample it would be named from the sample's shard instead, and the held-out split, which hashes ids, would
    /// differ from the corpus's; so that id is written into the line: first in the object when there was no key,
    /// in place of the value otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The document was read without its line.</exception>
    public static string Line(Document d)
    {
        var json = d.Json ?? throw new ArgumentException($"document {d.Id} was read without its JSON line (keepJson: false)");
        var bytes = Encoding.UTF8.GetBytes(json);
        var id = JsonSerializer.Serialize(d.Id);
        switch (IdValue(bytes))
        {
            case (_, _, true): return json;
            case (var start, var end, _) when end > start:
                return Encoding.UTF8.GetString(bytes.AsSpan(0, start)) + id + Encoding.UTF8.GetString(bytes.AsSpan(end));
            default:
                var open = json.IndexOf('{');   // the reader accepted it as an object with a text field, so '{' opens it and a field follows
                return $"{json[..(open + 1)]}\"id\":{id},{json[(open + 1)..]}";
        }
    }

    /// <summary>Where the value of the line's top-level <c>id</c> lies (bytes), and whether the reader takes it as the
    /// document's id; the last key wins, as in <see cref="DolmaParser"/>. No key: an empty range.</summary>
    static (int Start, int End, bool Taken) IdValue(byte[] line)
    {
        var reader = new Utf8JsonReader(line, DolmaParser.Options);   // as deep as the reader took it
        (int, int, bool) found = (0, 0, false);
        reader.Read();   // the object's '{'
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isId = reader.ValueTextEquals("id"u8);
            reader.Read();
            int start = (int)reader.TokenStartIndex;
            bool taken = reader.TokenType is JsonTokenType.Number || reader.TokenType is JsonTokenType.String && DolmaParser.IsId(reader.GetString());
            reader.Skip();   // past a nested value; a no-op on scalars
            if (isId) found = (start, (int)reader.BytesConsumed, taken);
        }
        return found;
    }

    /// <summary>The CSV row (RFC 4180 quoting) saying that line <paramref name="line"/> (1-based) of <paramref name="file"/>
    /// is the document read at its shard and line.</summary>
    public static string ProvenanceRow(string file, long line, Document d) =>
        string.Join(',', Csv(file), line, Csv(d.Id), Csv(d.Position.Shard), d.Position.Line);

    static string Csv(string field) => field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : $"\"{field.Replace("\"", "\"\"")}\"";
}
