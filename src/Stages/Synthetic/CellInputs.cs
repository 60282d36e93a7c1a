using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The input stream x ~ N(0, I_D) of each cell. A cell draws from a generator seeded as a run
/// alone seeds it (seed·2 + 2, on the training device, separate from the model's init
/// generator), so cells with the same seed see the same x: the stream is drawn once per
/// distinct seed and shared by index.
/// </summary>
public sealed class CellInputs : IDisposable
{
    readonly Generator[] generators;   // one per distinct seed, in first-appearance order
    readonly Tensor cellToSeed;        // (C): which generator's draw each cell sees
    readonly bool identity;            // one generator per cell, in cell order: no gather needed
    readonly int dims;
    readonly Device device;

    public CellInputs(IReadOnlyList<int> seeds, int dims, Device device)
    {
        var distinct = seeds.Distinct().ToArray();
        generators = [.. distinct.Select(s => new Generator((ulong)s * 2 + 2, device))];
        var index = seeds.Select(s => (long)Array.IndexOf(distinct, s)).ToArray();
        identity = index.SequenceEqual(Enumerable.Range(0, index.Length).Select(i => (long)i));
        cellToSeed = tensor(index, device: device);
        this.dims = dims;
        this.device = device;
    }

    /// <summary>The next batch of inputs of every cell: (C, B, D). Belongs to the caller's dispose scope.</summary>
    public Tensor Next(int batchSize)
    {
        var draws = stack(generators.Select(g => randn(batchSize, dims, generator: g, device: device)));  // (S, B, D)
        return identity ? draws : draws.index_select(0, cellToSeed);                                   // (C, B, D)
    }

    public void Dispose()
    {
        foreach (var g in generators) g.Dispose();
        cellToSeed.Dispose();
    }
}
