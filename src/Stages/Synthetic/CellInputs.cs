using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The input stream x ~ N(0, I_D) of each cell: one stream per distinct seed, shared by the cells
/// with that seed (drawn once and shared by index), so a cell's inputs never depend on which
/// other cells train beside it.
///
/// On the CPU each seed has its own generator (seeded seed·2 + 2, as a run alone seeds it),
/// advanced once per step. On CUDA that is impossible: TorchSharp 0.107 cannot create CUDA
/// generators (its Generator is always a CPU one, and LibTorch refuses it for a CUDA tensor),
/// and drawing on the CPU then copying would make the GPU wait on one core. There the device's
/// default generator is reseeded before each draw with <see cref="StepSeed"/>(seed, step), a
/// 63-bit seed (CUDA's Philox takes all 64 bits; a CPU generator would keep only 32, so reseeding
/// per step on the CPU would repeat batches within a million steps). Nothing else draws from the
/// default CUDA generator while a trainer runs (model initialisation draws from CPU generators),
/// and only one trainer runs on a CUDA device at a time.
/// </summary>
public sealed class CellInputs : IDisposable
{
    readonly int[] seeds;                 // distinct seeds, in first-appearance order
    readonly Generator[]? cpuGenerators;  // one per distinct seed on the CPU; null on CUDA
    readonly Tensor cellToSeed;           // (C): which seed's draw each cell sees
    readonly bool identity;               // one seed per cell, in cell order: no gather needed
    readonly int dims;
    readonly Device device;
    long lastStep;

    public CellInputs(IReadOnlyList<int> seeds, int dims, Device device)
    {
        this.seeds = seeds.Distinct().ToArray();
        var index = seeds.Select(s => (long)Array.IndexOf(this.seeds, s)).ToArray();
        identity = index.SequenceEqual(Enumerable.Range(0, index.Length).Select(i => (long)i));
        cellToSeed = tensor(index, device: device);
        if (device.type == TorchSharp.DeviceType.CPU)
            cpuGenerators = [.. this.seeds.Select(s => new Generator((ulong)s * 2 + 2))];
        this.dims = dims;
        this.device = device;
    }

    /// <summary>The inputs of every cell at <paramref name="step"/>: (C, B, D). Steps must come in
    /// increasing order (a CPU stream advances once per call). Belongs to the caller's dispose scope.</summary>
    public Tensor Next(int batchSize, long step)
    {
        if (step <= lastStep) throw new ArgumentException($"inputs of step {step} asked for after step {lastStep}");
        lastStep = step;
        var draws = stack(seeds.Select((s, i) => Draw(i, s, step, batchSize)));        // (S, B, D)
        return identity ? draws : draws.index_select(0, cellToSeed);                  // (C, B, D)
    }

    Tensor Draw(int index, int seed, long step, int batchSize)
    {
        if (cpuGenerators is not null) return randn(batchSize, dims, generator: cpuGenerators[index]);   // (B, D)
        cuda.manual_seed_all(StepSeed(seed, step));
        return randn(batchSize, dims, device: device);                                                  // (B, D)
    }

    /// <summary>The CUDA generator seed of (run seed, step): splitmix64 of the pair, 63 bits, so
    /// neighbouring seeds and steps give unrelated streams.</summary>
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

    /// <summary>Writes the last step drawn and each CPU generator's state (CUDA draws are reseeded per step: nothing more to keep).</summary>
    public void Save(BinaryWriter writer)
    {
        writer.Write(lastStep);
        writer.Write(cpuGenerators?.Length ?? 0);
        foreach (var g in cpuGenerators ?? [])
            using (var state = g.get_state()) state.Save(writer);
    }

    /// <summary>Reads what <see cref="Save"/> wrote into these inputs (same seeds and device): the next draw is the one the saved inputs would have made.</summary>
    public void Load(BinaryReader reader)
    {
        long step = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != (cpuGenerators?.Length ?? 0))
            throw new InvalidDataException($"the saved inputs have {Messages.Counted.Of(count, "generator")}, these {cpuGenerators?.Length ?? 0}");
        foreach (var g in cpuGenerators ?? [])
        {
            using var state = g.get_state();
            state.Load(reader);
            g.set_state(state);
        }
        lastStep = step;
    }

    public void Dispose()
    {
        foreach (var g in cpuGenerators ?? []) g.Dispose();
        cellToSeed.Dispose();
    }
}
