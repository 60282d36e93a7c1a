namespace Retention.Data;

/// <summary>
/// What a user can do about the HTTP answers that end a shard for good, said with the error: the bare status ("HTTP 403
/// Forbidden") leaves them guessing whether a retry, a token or a local copy is the way out.
/// </summary>
public static class HttpShardAdvice
{
    /// <summary>401 or 403: the server wants credentials the data stage never sends. Not retried: the same request gets the
    /// same refusal (a presigned URL that expired mid-transfer does too).</summary>
    public static string Refused(Uri uri, int status, string? reason, long position) =>
        $"{uri}: HTTP {status}{(string.IsNullOrEmpty(reason) ? "" : $" {reason}")} at byte {position}: the server refused access. " +
        "The data stage sends no credentials (no Authorization header, cookie or token), so it cannot read this shard from its URL: " +
        "download the shards with your credentials and point `paths` (for `data sample` and `data tokenize`, the sources) at the local copies";

    /// <summary>The ETag, length or Last-Modified of a resumed request differs from the first: <paramref name="what"/> says
    /// which. The bytes already read and the rest belong to two versions of the file.</summary>
    public static string Changed(Uri uri, string what, long position) =>
        $"{uri}: {what} between requests (at byte {position}): the file changed on the server while it was being read, so the bytes " +
        "read so far and the rest belong to different versions; they are not spliced, and a run cannot resume reproducibly on data " +
        "that changes under it: pin a copy (download the shard once and point `paths` at the local file)";
}
