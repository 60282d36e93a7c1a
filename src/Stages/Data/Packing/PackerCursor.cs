namespace Retention.Data;

/// <summary>
/// Where the packed stream stands: the stream continues with token <paramref name="TokenOffset"/>
/// of document <paramref name="DocumentIndex"/> (counting its EOS as its last token, so an offset
/// equal to its length + 1 means the document is used up), after <paramref name="RowsEmitted"/>
/// full rows. Rows are cut from the stream alone, so a packer started from this cursor (and a source
/// re-opened before that document) emits exactly the rows that would have followed.
/// </summary>
public sealed record PackerCursor(long DocumentIndex, int TokenOffset, long RowsEmitted)
{
    public static readonly PackerCursor Start = new(0, 0, 0);
}

/// <summary>
/// One row of <c>seq_len + 1</c> tokens and the stream position after it: <paramref name="After"/>
/// for the packer and <paramref name="SourceAfter"/>, the source cursor from which
/// <c>After.DocumentIndex</c> is the next document (null when the source has no cursors).
/// The array is the row's own (not shared with later rows).
/// </summary>
public sealed record PackedRow(int[] Tokens, PackerCursor After, ReadCursor? SourceAfter);
