using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Retention.Data;

/// <summary>
/// One Dolma JSON line → a <see cref="Document"/> or the <see cref="DataQualityIssue"/> that
/// says why not. Pure. Only <c>text</c> is required:
/// <list type="bullet">
/// <item><c>id</c>: a string, or a number taken as its JSON text. Missing or null: the id is
/// synthesised as <c>&lt;shard&gt;:&lt;line&gt;</c> from the shard's name, its <see cref="Shard.IdName"/> (its path as
/// the source's entries spell it, not where the project lies), which is unique within a source and
/// stable across runs and moves; no issue is recorded, because many corpora carry no ids at all.</item>
/// <item><c>source</c>: a string; otherwise the source's name from its spec.</item>
/// <item>Other fields (added, created, metadata, ...) are not read; with <c>keepJson</c> the document carries
/// the whole line (<see cref="Document.Json"/>).</item>
/// </list>
/// UTF-8 is checked before the JSON, so a bad byte is reported as <c>invalid_utf8</c> with its
/// offset rather than as a JSON error.
/// </summary>
public static partial class DolmaParser
{
    /// <summary>How deep a line's objects and arrays may nest. .NET's default, 64, dropped valid lines (deep metadata) as
    /// invalid_json; the reader and its Skip do not recurse (each level costs one bit), so the limit only bounds a pathological line.</summary>
    public const int MaxDepth = 1024;

    /// <summary>The reader's options for a corpus line, for every reader of one (`data sample` finds the id with them too).</summary>
    public static readonly JsonReaderOptions Options = new() { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = MaxDepth };

    /// <summary>Either a document or an issue, never both.</summary>
    public readonly record struct Result(Document? Document, DataQualityIssue? Issue);

    /// <param name="line">The line's bytes, without its newline.</param>
    /// <param name="shard">The shard's name, <see cref="Shard.IdName"/>: in synthesised ids, the document's position and issues.</param>
    /// <param name="shardIndex">The shard's index in the epoch's shard order.</param>
    /// <param name="lineNumber">1-based line number in the decompressed shard.</param>
    /// <param name="defaultSource">The <c>source</c> when the line has none.</param>
    /// <param name="keepJson">Keep the line's text in <see cref="Document.Json"/>.</param>
    public static Result Parse(ReadOnlySpan<byte> line, string shard, int shardIndex, long lineNumber, string defaultSource, bool keepJson = false)
    {
        Result Fail(string reason, string detail) => new(null, new DataQualityIssue(shard, lineNumber, reason, detail));

        if (!Utf8.IsValid(line))
        {
            var chars = ArrayPool<char>.Shared.Rent(line.Length);
            try
            {
                Utf8.ToUtf16(line, chars, out var validBytes, out _, replaceInvalidSequences: false);
                return Fail(DataQualityReasons.InvalidUtf8, $"invalid UTF-8 at byte {validBytes} of the line");
            }
            finally { ArrayPool<char>.Shared.Return(chars); }
        }

        string? id = null, text = null, source = null;
        string? textProblem = "no 'text' field";
        int stringAt = 0;   // where the string being decoded starts, for an unpaired surrogate escape in it
        try
        {
            var reader = new Utf8JsonReader(line, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return Fail(DataQualityReasons.InvalidJson, reader.TokenType == JsonTokenType.None
                    ? "the line is not JSON" : $"expected a JSON object, found {Describe(reader.TokenType)}");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.ValueSpan;
                var escaped = reader.ValueIsEscaped;
                var nameAt = (int)reader.TokenStartIndex;
                if (!reader.Read()) break;
                var valueAt = (int)reader.TokenStartIndex;
                stringAt = nameAt;   // an escaped name is decoded to compare it
                if (Is(name, escaped, "text"u8, "text"))
                {
                    stringAt = valueAt;
                    var isString = reader.TokenType == JsonTokenType.String;
                    text = isString ? reader.GetString() : null;
                    textProblem = isString ? null : $"'text' is {Describe(reader.TokenType)}, not a string";
                }
                else if (Is(name, escaped, "id"u8, "id"))
                {
                    stringAt = valueAt;
                    id = reader.TokenType switch
                    {
                        JsonTokenType.String => reader.GetString() is var s && IsId(s) ? s : null,
                        JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                        _ => null,
                    };
                }
                else if (Is(name, escaped, "source"u8, "source"))
                {
                    stringAt = valueAt;
                    source = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                reader.Skip(); // past nested values; a no-op on scalars
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                return Fail(DataQualityReasons.InvalidJson, "the object is not closed");
            if (reader.Read())
                return Fail(DataQualityReasons.InvalidJson, "text after the JSON object");
        }
        catch (JsonException e)
        {
            return Fail(DataQualityReasons.InvalidJson, TooDeep(line) is { } at
                ? $"objects and arrays nested deeper than {MaxDepth} levels ({shard}, line {lineNumber}, column {Characters(line[..at]) + 1})"
                : JsonProblem(e, line, shard, lineNumber));
        }
        catch (InvalidOperationException)
        {
            // Decoding a string with an unpaired UTF-16 surrogate escape ("\ud800"): grammatical JSON that is no Unicode
            // text, found in web crawls. The reader throws this, not a JsonException, which ended the run unnamed.
            return Fail(DataQualityReasons.InvalidJson, $"a string holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff without its pair), " +
                $"which is no Unicode text ({shard}, line {lineNumber}, column {Characters(line[..Math.Clamp(stringAt, 0, line.Length)]) + 1})");
        }

        if (textProblem is not null) return Fail(DataQualityReasons.MissingText, textProblem);
        return new(new Document(
            id ?? SynthesisedId(shard, lineNumber), text!, source ?? defaultSource,
            new DocumentPosition(shard, shardIndex, lineNumber), keepJson ? Encoding.UTF8.GetString(line) : null), null);
    }

    /// <summary>Where the line's first object or array nested past <see cref="MaxDepth"/> opens (a byte offset); null when none
    /// does. Said in these words, as .NET's ("CurrentDepth (1024) is equal to or larger than ...") names the reader's option.</summary>
    private static int? TooDeep(ReadOnlySpan<byte> line)
    {
        int depth = 0;
        bool inString = false, escaped = false;
        for (var i = 0; i < line.Length; i++)
        {
            var b = line[i];
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)'{' or (byte)'[' && ++depth > MaxDepth) return i;
            else if (b is (byte)'}' or (byte)']') depth--;
        }
        return null;
    }

    /// <summary>Whether a string <c>id</c> names its document: an empty or blank one is no id (a corpus whose every line
    /// has <c>"id": ""</c> would otherwise put every document on one side of the held-out split, which hashes ids).</summary>
    public static bool IsId(string? id) => !string.IsNullOrWhiteSpace(id);

    /// <summary>The id of a line that has none: unique within a source, stable across runs.</summary>
    /// <param name="shard">The shard's <see cref="Shard.IdName"/>.</param>
    public static string SynthesisedId(string shard, long lineNumber) => $"{shard}:{lineNumber}";

    private static bool Is(ReadOnlySpan<byte> raw, bool escaped, ReadOnlySpan<byte> utf8, string name) =>
        escaped ? Encoding.UTF8.GetString(JsonUnescape(raw)) == name : raw.SequenceEqual(utf8);

    // Property names with escapes are rare; decode them through JsonDocument rather than by hand.
    private static byte[] JsonUnescape(ReadOnlySpan<byte> raw)
    {
        var quoted = new byte[raw.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        raw.CopyTo(quoted.AsSpan(1));
        using var doc = JsonDocument.Parse(quoted);
        return Encoding.UTF8.GetBytes(doc.RootElement.GetString()!);
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    /// <summary>What the JSON reader found wrong, and where, in the shard's terms: .NET ends its message with
    /// "LineNumber: 0 | BytePositionInLine: 17.", 0-based and counting the line within the one JSON value (always 0
    /// here) and bytes, not characters. Here the place is the shard, its 1-based line and the 1-based column, counted
    /// in characters (the line is valid UTF-8 by now), as an editor shows it.</summary>
    public static string JsonProblem(JsonException e, ReadOnlySpan<byte> line, string shard, long lineNumber)
    {
        var what = NetLocation().Replace(e.Message, "").Trim().TrimEnd('.');
        if (what.Length > 300) what = what[..300] + "…";
        var bytes = (int)Math.Clamp(e.BytePositionInLine ?? 0, 0, line.Length);
        return $"{what} ({shard}, line {lineNumber}, column {Characters(line[..bytes]) + 1})";
    }

    /// <summary>Characters of valid UTF-8: every byte but the continuation bytes (10xxxxxx) starts one.</summary>
    private static int Characters(ReadOnlySpan<byte> utf8)
    {
        int n = 0;
        foreach (var b in utf8) if ((b & 0xC0) != 0x80) n++;
        return n;
    }

    // The reader's place, and its advice to the programmer who configures it, which a corpus's reader cannot take.
    [System.Text.RegularExpressions.GeneratedRegex(@"\s*(Change the reader options\.\s*)?(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial System.Text.RegularExpressions.Regex NetLocation();
}
