using System.Collections.Immutable;

namespace Retention.Data;

/// <summary>
/// Resume point of a mix: each source's own cursor (after the last document it delivered),
/// which sources have run out, and how many draws the mixing stream took.
/// </summary>
public sealed record MixerCursor(ImmutableArray<SourceCursor> Sources, ImmutableArray<bool> Exhausted, long Draws) : ReadCursor
{
    public static MixerCursor Start(int sources) =>
        new([.. Enumerable.Repeat(SourceCursor.Start, sources)], [.. new bool[sources]], 0);

    // Records compare ImmutableArray by reference; a cursor is a value, so compare the elements.
    public bool Equals(MixerCursor? other) =>
        other is not null && Draws == other.Draws
        && Sources.AsSpan().SequenceEqual(other.Sources.AsSpan()) && Exhausted.AsSpan().SequenceEqual(other.Exhausted.AsSpan());

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Draws);
        foreach (var s in Sources) h.Add(s);
        foreach (var e in Exhausted) h.Add(e);
        return h.ToHashCode();
    }
}

/// <summary>A document of a mix: which source it came from, and the cursor that resumes the mix after it.</summary>
public sealed record MixedDocument(Document Document, int SourceIndex, MixerCursor After);

/// <summary>
/// Several sources mixed by weight: each next document comes from source i with probability
/// w_i / Σ w over the sources not yet exhausted, chosen by a draw from a counter-based stream
/// keyed by the seed, so the mix is a pure function of (seed, data). When a source runs out
/// (its <c>epochs</c> are done) it is marked exhausted, the draw that found it empty is spent,
/// and the others go on with their weights renormalised; the mix ends when all are exhausted.
/// A source with <c>epochs: 0</c> never runs out.
/// </summary>
public sealed class SourceMixer
{
    private readonly ImmutableArray<DocumentSource> _sources;
    private readonly ImmutableArray<double> _weights;
    private readonly ulong _key;

    /// <param name="sources">The sources, each with its spec's weight.</param>
    /// <param name="seed">Seed of the mixing draws (independent of the sources' own seeds).</param>
    public SourceMixer(IReadOnlyList<DocumentSource> sources, long seed)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new DataException("a mix needs at least one source");
        _sources = [.. sources];
        _weights = [.. sources.Select(s => s.Weight)];
        if (_weights.Any(w => !(w > 0) || double.IsInfinity(w)))
            throw new DataException("every source of a mix needs a positive, finite weight");
        _key = SeededStream.Derive(seed, "mix");
    }

    public ImmutableArray<DocumentSource> Sources => _sources;

    /// <summary>Just the documents, from <paramref name="from"/> (null: the beginning).</summary>
    public IEnumerable<Document> Documents(MixerCursor? from = null) => Read(from).Select(d => d.Document);

    /// <summary>The mixed documents from <paramref name="from"/> (null: the beginning), each with
    /// the cursor that resumes the mix right after it.</summary>
    public IEnumerable<MixedDocument> Read(MixerCursor? from = null)
    {
        var n = _sources.Length;
        from ??= MixerCursor.Start(n);
        if (from.Sources.Length != n || from.Exhausted.Length != n)
            throw new DataException($"the mix cursor has {from.Sources.Length} sources, the mix {n}");
        var cursors = from.Sources.ToArray();
        var exhausted = from.Exhausted.ToArray();
        var draws = new SeededStream(_key, from.Draws);
        var readers = new IEnumerator<SourcedDocument>?[n];
        try
        {
            while (true)
            {
                var i = Pick(exhausted, ref draws);
                if (i < 0) yield break;
                // Opened lazily: a source is only read (and its first block re-read) when drawn.
                var reader = readers[i] ??= _sources[i].Read(cursors[i]).GetEnumerator();
                if (!reader.MoveNext())
                {
                    exhausted[i] = true;
                    continue;
                }
                cursors[i] = reader.Current.After;
                yield return new MixedDocument(reader.Current.Document, i,
                    new MixerCursor([.. cursors], [.. exhausted], draws.Draws));
            }
        }
        finally
        {
            foreach (var r in readers) r?.Dispose();
        }
    }

    /// <summary>The source of the next document by one weighted draw, or -1 when all are exhausted.</summary>
    private int Pick(bool[] exhausted, ref SeededStream draws)
    {
        var total = 0.0;
        var last = -1;
        for (var i = 0; i < _weights.Length; i++)
            if (!exhausted[i]) { total += _weights[i]; last = i; }
        if (last < 0) return -1;
        var u = draws.NextDouble() * total;
        var cumulative = 0.0;
        for (var i = 0; i < _weights.Length; i++)
        {
            if (exhausted[i]) continue;
            cumulative += _weights[i];
            if (u < cumulative) return i;
        }
        return last; // u rounded up to the total
    }
}
