using static TorchSharp.torch;

namespace Retention.Data;

/// <summary>
/// The LM validation set: the first <c>rows</c> full rows packed (as training packs) from held-out
/// documents, read from the start of the source. Fixed for a run and for every run of a sweep that
/// shares the corpus, the tokenizer and the held-out seed.
/// </summary>
public sealed record ValidationSet(int Rows, int RowLength, int[] Tokens)
{
    /// <param name="heldOut">Tokenized held-out documents in source order
    /// (<see cref="ParallelTokenizer"/> with <c>keep = split.IsHeldOut</c>).</param>
    public static ValidationSet Build(IEnumerable<TokenizedDocument> heldOut, int rowLength, int eosId, int rows)
    {
        var packed = SequencePacker.Pack(heldOut, rowLength, eosId).Take(rows).ToList();
        var tokens = new int[packed.Count * rowLength];
        for (int i = 0; i < packed.Count; i++) packed[i].Tokens.CopyTo(tokens, i * rowLength);
        return new ValidationSet(packed.Count, rowLength, tokens);
    }

    /// <summary>(Rows, seq_len) inputs and targets; the caller owns them (evaluate in slices for large sets).</summary>
    public (Tensor Inputs, Tensor Targets) ToTensors(Device? device = null) => BatchBuilder.ToTensors(Tokens, Rows, RowLength, device);
}
