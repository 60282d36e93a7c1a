namespace Retention.Data;

/// <summary>
/// A document's tokens (without the EOS the packer adds). <paramref name="Index"/> is the
/// document's ordinal in the source's stream (0 = the first document the source ever delivers,
/// held-out documents included), <paramref name="Before"/> the source cursor from which this
/// document is the next one delivered: a resume re-opens the source there and sees this document
/// first. Null when the source offers no cursor (a resume then skips Index documents).
/// </summary>
public sealed record TokenizedDocument(long Index, Document Document, int[] Tokens, ReadCursor? Before);
