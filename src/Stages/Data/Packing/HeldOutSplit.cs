namespace Retention.Data;

/// <summary>
/// Which documents are kept out of training for the LM validation loss: one in <paramref name="Every"/>,
/// chosen by a seeded hash of the document's source and id. A property of the document alone, so the
/// split does not move when shards are reordered, a run resumes, or the corpus grows; training and
/// validation never share a document. Every = 0 holds nothing out.
/// </summary>
public sealed record HeldOutSplit(int Every, int Seed)
{
    public static HeldOutSplit From(PackingSpec packing) => new(packing.HeldOutEvery, packing.HeldOutSeed);

    public bool IsHeldOut(Document doc) =>
        Every > 0 && (ulong)StableRng.Hash(Seed, StableRng.HashString(doc.Source), StableRng.HashString(doc.Id)) % (ulong)Every == 0;

    public bool IsTraining(Document doc) => !IsHeldOut(doc);
}
