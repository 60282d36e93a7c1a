using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The input stream x ~ N(0, I_D) of each cell, as a pure function of (seed, step): before each
/// draw the generator is reseeded with <see cref="StepSeed"/>. Cells with the same seed see the
/// same x (drawn once per distinct seed and shared by index), and a cell's inputs do not depend
/// on which other cells train beside it or on what was drawn before.
///
/// Why reseed per step: TorchSharp 0.107 cannot create CUDA generators (its Generator is always a
/// CPU one, and LibTorch refuses it for a CUDA tensor), and drawing on the CPU then copying would
/// make the GPU wait on one CPU core. On CUDA the draw therefore uses the device's default
/// generator, seeded per (seed, step) the same way; that generator is not used for anything
/// else while a trainer runs (model initialisation draws from CPU generators).
/// </summary>
public sealed class CellInputs : IDisposable
{
    readonly int[] seeds;              // distinct seeds, in first-appearance order
    readonly Generator? cpuGenerator;  // CPU runs; null on CUDA (the default CUDA generator is used)
    readonly Tensor cellToSeed;        // (C): which seed's draw each cell sees
    readonly bool identity;            // one seed per cell, in cell order: no gather needed
    readonly int dims;
    readonly Device device;

    public CellInputs(IReadOnlyList<int> seeds, int dims, Device device)
    {
        this.seeds = seeds.Distinct().ToArray();
        var index = seeds.Select(s => (long)Array.IndexOf(this.seeds, s)).ToArray();
        identity = index.SequenceEqual(Enumerable.Range(0, index.Length).Select(i => (long)i));
        cellToSeed = tensor(index, device: device);
        cpuGenerator = device.type == TorchSharp.DeviceType.CPU ? new Generator(0) : null;
        this.dims = dims;
        this.device = device;
    }

    /// <summary>The inputs of every cell at <paramref name="step"/>: (C, B, D). Belongs to the caller's dispose scope.</summary>
    public Tensor Next(int batchSize, long step)
    {
        var draws = stack(seeds.Select(s => Draw(s, step, batchSize)));                 // (S, B, D)
        return identity ? draws : draws.index_select(0, cellToSeed);                   // (C, B, D)
    }

    Tensor Draw(int seed, long step, int batchSize)
    {
        long s = StepSeed(seed, step);
        if (cpuGenerator is not null)
        {
            cpuGenerator.manual_seed(s);
            return randn(batchSize, dims, generator: cpuGenerator);                     // (B, D)
        }
        cuda.manual_seed_all(s);
        return randn(batchSize, dims, device: device);                                 // (B, D)
    }

    /// <summary>The generator seed of (run seed, step): splitmix64 of the pair, so neighbouring
    /// seeds and steps give unrelated streams.</summary>
    public static long StepSeed(int seed, long step)
    {
        unchecked
        {
            ulong z = (ulong)(uint)seed * 0x9E3779B97F4A7C15UL + (ulong)step + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (long)((z ^ (z >> 31)) >> 1);   // non-negative
        }
    }

    public void Dispose()
    {
        cpuGenerator?.Dispose();
        cellToSeed.Dispose();
    }
}
