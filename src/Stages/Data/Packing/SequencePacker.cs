namespace Retention.Data;

/// <summary>
/// Packs documents into fixed-length rows: the stream is every document's tokens followed by one
/// EOS, in source order, cut into consecutive non-overlapping rows of <c>rowLength</c> tokens
/// (seq_len + 1: inputs are a row's first seq_len tokens, targets its last seq_len). A document
/// longer than the space left continues in the next row; nothing is padded or dropped except the
/// incomplete last row when the source ends. A pure function of the documents and the start cursor.
/// </summary>
public static class SequencePacker
{
    /// <param name="documents">Tokenized documents in source order; when resuming, starting with the
    /// cursor's document (source re-opened at the row's <see cref="PackedRow.SourceAfter"/>, or the
    /// first <c>DocumentIndex</c> source documents skipped).</param>
    public static IEnumerable<PackedRow> Pack(IEnumerable<TokenizedDocument> documents, int rowLength, int eosId, PackerCursor? start = null)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentOutOfRangeException.ThrowIfLessThan(rowLength, 2);
        return PackIterator(documents, rowLength, eosId, start ?? PackerCursor.Start);
    }

    private static IEnumerable<PackedRow> PackIterator(IEnumerable<TokenizedDocument> documents, int rowLength, int eosId, PackerCursor start)
    {
        var row = new int[rowLength];
        int filled = 0;
        long rows = start.RowsEmitted;
        long previous = -1;
        bool first = true;
        foreach (var doc in documents)
        {
            int skip = 0;
            if (first)
            {
                first = false;
                if (start.TokenOffset > 0 && doc.Index != start.DocumentIndex)
                    throw new InvalidOperationException($"Resuming inside document {start.DocumentIndex}, but the source delivered document {doc.Index} first.");
                if (doc.Index < start.DocumentIndex)
                    throw new InvalidOperationException($"Resuming at document {start.DocumentIndex}, but the source delivered document {doc.Index} first.");
                if (doc.Index == start.DocumentIndex) skip = start.TokenOffset;
            }
            else if (doc.Index <= previous)
            {
                throw new InvalidOperationException($"Documents out of order: {doc.Index} after {previous}.");
            }
            previous = doc.Index;

            var tokens = doc.Tokens;
            int total = tokens.Length + 1; // the document, then its EOS
            if (skip > total) throw new InvalidOperationException($"Cursor offset {skip} is past the end of document {doc.Index} ({total} tokens with EOS); the source changed.");
            int pos = skip;
            while (pos < total)
            {
                int n = Math.Min(rowLength - filled, total - pos);
                int fromDoc = Math.Min(n, tokens.Length - pos);
                if (fromDoc > 0) Array.Copy(tokens, pos, row, filled, fromDoc);
                if (fromDoc < n) row[filled + n - 1] = eosId; // n reaches the EOS slot
                filled += n;
                pos += n;
                if (filled == rowLength)
                {
                    rows++;
                    yield return new PackedRow(row, new PackerCursor(doc.Index, pos, rows), doc.Before);
                    row = new int[rowLength];
                    filled = 0;
                }
            }
        }
    }
}
