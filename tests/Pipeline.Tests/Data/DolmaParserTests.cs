using System.Text;
using Retention.Data;

namespace Retention.Tests.Data;

public class DolmaParserTests
{
    private static DolmaParser.Result Parse(string line, long lineNumber = 7) => Parse(Encoding.UTF8.GetBytes(line), lineNumber);
    private static DolmaParser.Result Parse(byte[] line, long lineNumber = 7) =>
        DolmaParser.Parse(line, "shard.jsonl", 3, lineNumber, "fallback");

    [Fact]
    public void Reads_id_text_source_and_position_and_ignores_other_fields()
    {
        var r = Parse("""{"id":"d1","text":"héllo \"world\"\n","source":"c4","added":"x","metadata":{"a":[1,{"text":5}]}}""");
        Assert.Null(r.Issue);
        Assert.Equal(new Document("d1", "héllo \"world\"\n", "c4", new DocumentPosition("shard.jsonl", 3, 7)), r.Document);
    }

    [Fact]
    public void Numeric_id_is_kept_as_its_text_a_missing_id_is_synthesised_from_shard_and_line()
    {
        Assert.Equal("12345678901234567890", Parse("""{"id":12345678901234567890,"text":"a"}""").Document!.Id);
        var noId = Parse("""{"text":"a"}""", lineNumber: 42).Document!;
        Assert.Equal("shard.jsonl:42", noId.Id);
        Assert.Equal("fallback", noId.Source);
        Assert.Equal("shard.jsonl:9", Parse("""{"id":null,"text":"a"}""", lineNumber: 9).Document!.Id);
        Assert.Equal("shard.jsonl:8", Parse("""{"id":"","text":"a"}""", lineNumber: 8).Document!.Id);
        Assert.Equal("shard.jsonl:7", Parse("""{"id":"  ","text":"a"}""", lineNumber: 7).Document!.Id);
    }

    [Fact]
    public void Escaped_property_names_are_recognised()
    {
        Assert.Equal("b", Parse("""{"te\u0078t":"b"}""").Document!.Text);
    }

    [Theory]
    [InlineData("""{"id":"a","text":"x" """)]
    [InlineData("""{"id":"a","text":"x"} trailing""")]
    [InlineData("""[{"text":"x"}]""")]
    [InlineData("not json")]
    [InlineData("""{"text":"x",}""")]
    public void Invalid_json_is_an_issue(string line)
    {
        var r = Parse(line);
        Assert.Null(r.Document);
        Assert.Equal(DataQualityReasons.InvalidJson, r.Issue!.Reason);
        Assert.Equal(("shard.jsonl", 7L), (r.Issue.Shard, r.Issue.Line));
    }

    [Theory]
    [InlineData("""{"id":"a","text":}""", "'}' is an invalid start of a value", 18, "}")]
    [InlineData("""{"id":"a","text":"x"} trailing""", "'t' is invalid after a single JSON value. Expected end of data", 23, "t")]
    [InlineData("""{"text":"x",}""", "The JSON object contains a trailing comma at the end which is not supported in this mode", 13, "}")]
    // Columns count characters: 'é' is two bytes and one column, '😀' four bytes (two UTF-16 units) and one column.
    [InlineData("""{"text":"héllo😀" "x"}""", "'\"' is invalid after a value. Expected either ',', '}', or ']'", 18, "\"")]
    public void Invalid_json_says_the_shard_line_and_column_in_its_own_words(string line, string what, int column, string there)
    {
        var issue = Parse(line, lineNumber: 5).Issue!;
        Assert.Equal(DataQualityReasons.InvalidJson, issue.Reason);
        Assert.Equal($"{what} (shard.jsonl, line 5, column {column})", issue.Detail);
        Assert.Equal(there, line.EnumerateRunes().ElementAt(column - 1).ToString());   // the column is where the fault is
    }

    // Grammatical JSON (Python's json.dumps writes it for such a string) that is no Unicode text: .NET's reader throws an
    // InvalidOperationException decoding it, which ended the whole run with no shard or line named.
    [Theory]
    [InlineData("""{"text":"lone \ud800 surrogate"}""", 9)]
    [InlineData("""{"id":"\udc00x","text":"a"}""", 7)]
    [InlineData("""{"text":"a","source":"é\ud800"}""", 22)]
    [InlineData("""{"\ud800":1,"text":"a"}""", 2)]
    public void An_unpaired_surrogate_escape_is_invalid_json_at_its_string(string line, int column)
    {
        var issue = Parse(line, lineNumber: 5).Issue!;
        Assert.Equal(DataQualityReasons.InvalidJson, issue.Reason);
        Assert.Equal("a string holds an unpaired UTF-16 surrogate escape (\\ud800-\\udfff without its pair), which is no Unicode text " +
            $"(shard.jsonl, line 5, column {column})", issue.Detail);
        Assert.Equal("\"", line.EnumerateRunes().ElementAt(column - 1).ToString());   // the string's opening quote
        Assert.Equal("x😀", Parse("""{"text":"x\ud83d\ude00"}""").Document!.Text);   // a pair is a character
    }

    /// <summary>Valid JSON nested past .NET's default depth (64) was dropped as invalid_json; the reader takes 1024 levels
    /// (no recursion: Skip walks them), and `data sample` finds the id of such a line with the same limit. Deeper is said
    /// in the corpus's terms, at the bracket that goes past it, not as the reader's option.</summary>
    [Fact]
    public void A_line_nested_deeper_than_64_is_read_and_past_1024_is_said_as_too_deep()
    {
        static string Nested(int depth) => string.Concat(Enumerable.Repeat("""{"a":[""", depth / 2)) + "1" + string.Concat(Enumerable.Repeat("]}", depth / 2));
        var deep = """{"text":"x","metadata":""" + Nested(200) + "}";   // 201 levels with the line's own object
        var doc = DolmaParser.Parse(Encoding.UTF8.GetBytes(deep), "shard.jsonl", 3, 7, "fallback", keepJson: true).Document;
        Assert.NotNull(doc);
        Assert.Equal("x", doc.Text);
        Assert.Equal("""{"id":"shard.jsonl:7",""" + deep[1..], Retention.Data.Corpus.SampleDocuments.Line(doc));

        Assert.NotNull(Parse("""{"text":"x","m":""" + Nested(1022) + "}").Document);   // 1023 levels
        var tooDeep = """{"text":"x","m":""" + Nested(1100) + "}";
        var issue = Parse(tooDeep, lineNumber: 5).Issue!;
        Assert.Equal(DataQualityReasons.InvalidJson, issue.Reason);
        // The 1025th opening bracket: the line's own '{', then Nested's 1024th, the '[' of its 512th {"a":[ (1-based columns).
        int column = """{"text":"x","m":""".Length + 511 * """{"a":[""".Length + """{"a":[""".Length;
        Assert.Equal($"objects and arrays nested deeper than 1024 levels (shard.jsonl, line 5, column {column})", issue.Detail);
        Assert.Equal("[", tooDeep[column - 1].ToString());
    }

    [Theory]
    [InlineData("""{"id":"a"}""", "no 'text' field")]
    [InlineData("""{"id":"a","text":5}""", "'text' is a number, not a string")]
    [InlineData("""{"id":"a","text":null}""", "'text' is null, not a string")]
    [InlineData("""{"id":"a","text":{"t":"x"}}""", "'text' is an object, not a string")]
    public void Missing_or_non_string_text_is_an_issue(string line, string detail)
    {
        var issue = Parse(line).Issue!;
        Assert.Equal(DataQualityReasons.MissingText, issue.Reason);
        Assert.Equal(detail, issue.Detail);
    }

    [Fact]
    public void Invalid_utf8_is_an_issue_with_the_byte_offset()
    {
        var line = Encoding.UTF8.GetBytes("""{"text":"ab""").Concat(new byte[] { 0xC3, 0x28 }).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var issue = Parse(line).Issue!;
        Assert.Equal(DataQualityReasons.InvalidUtf8, issue.Reason);
        Assert.Equal("invalid UTF-8 at byte 11 of the line", issue.Detail);
    }
}
