namespace Retention.Data;

/// <summary>
/// The <c>reason</c> values of data_quality.arrow. Stable snake_case strings, because analyses
/// group by them in SQL; the free-text <c>detail</c> column says what exactly was wrong.
/// </summary>
public static class DataQualityReasons
{
    /// <summary>The line is not one JSON object (syntax error, trailing text, an array, ...).</summary>
    public const string InvalidJson = "invalid_json";
    /// <summary>The object has no <c>text</c>, or its <c>text</c> is not a string (detail says which).</summary>
    public const string MissingText = "missing_text";
    /// <summary>The line's bytes are not valid UTF-8 (detail gives the byte offset).</summary>
    public const string InvalidUtf8 = "invalid_utf8";
    /// <summary>The compressed shard ends before its end-of-stream marker. One issue per shard,
    /// at the line being read; the complete lines before it were delivered, the partial one dropped.</summary>
    public const string Truncated = "truncated";
    /// <summary>The compressed data is damaged before its end (bad block, checksum mismatch).
    /// Like <see cref="Truncated"/>: one issue, the shard's earlier documents kept.</summary>
    public const string CorruptCompressed = "corrupt_compressed";
    /// <summary>The server says a shard of the list is not there (HTTP 404 or 410); it is skipped. Line 0.</summary>
    public const string MissingShard = "missing_shard";
    /// <summary>The shard holds no lines at all (blank lines do not count). Line 0.</summary>
    public const string EmptyShard = "empty_shard";
    /// <summary>One line is longer than the reader's limit; it is skipped to its end.</summary>
    public const string LineTooLong = "line_too_long";
    /// <summary>A pre-tokenized file whose size is not a whole number of tokens; the
    /// <c>line</c> column holds the token offset of the partial token.</summary>
    public const string TruncatedTokens = "truncated_tokens";
    /// <summary>A pre-tokenized document holds a token id at or beyond the tokenizer's vocabulary
    /// (the wrong tokenizer or dtype, or a corrupt file); the document is skipped. <c>line</c> is
    /// the document's token offset in its file.</summary>
    public const string TokenOutOfVocabulary = "token_out_of_vocabulary";
}
