using System.Text;

namespace Retention.Data;

/// <summary>
/// A counter-based random stream: draw k of key K is SplitMix64's output for state K + (k+1)·γ.
/// Its whole state is (key, draws), so a cursor that saves the number of draws restores it
/// exactly, in O(1), with no replay. Keys come from <see cref="Derive"/>, which hashes the seed with
/// a purpose and an index, so streams for different purposes (shard order, document shuffle,
/// mixing) never overlap in practice. Not for cryptography. Mutable: one owner at a time.
/// </summary>
public struct SeededStream(ulong key, long draws = 0)
{
    private const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public ulong Key { get; } = key;

    /// <summary>Draws taken so far: the state a cursor saves.</summary>
    public long Draws { get; private set; } = draws;

    public ulong NextUInt64() => Mix(Key + (ulong)(++Draws) * Gamma);

    /// <summary>Uniform in [0, n) by multiply-shift (bias below n/2^64, negligible for any n used here).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        return (int)(((UInt128)NextUInt64() * (ulong)n) >> 64);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>
    /// The key of the stream for <paramref name="purpose"/> (e.g. "shards") and
    /// <paramref name="index"/> (e.g. the epoch) under <paramref name="seed"/>. Uses a fixed
    /// FNV-1a hash of the purpose because string.GetHashCode differs between processes.
    /// </summary>
    public static ulong Derive(long seed, string purpose, long index = 0)
    {
        var h = 0xCBF29CE484222325UL;
        foreach (var b in Encoding.UTF8.GetBytes(purpose)) h = (h ^ b) * 0x100000001B3UL;
        return Mix(Mix(Mix((ulong)seed) ^ h) ^ (ulong)index);
    }

    /// <summary>A seed for a named child (a source of a mix) derived from a parent seed.</summary>
    public static long DeriveSeed(long seed, string name) => (long)Derive(seed, "seed:" + name);

    /// <summary>Fisher-Yates permutation of 0..n-1 taking n-1 draws from <paramref name="stream"/>.</summary>
    public static int[] Permutation(int n, ref SeededStream stream)
    {
        var p = new int[n];
        for (var i = 0; i < n; i++) p[i] = i;
        for (var i = n - 1; i > 0; i--)
        {
            var j = stream.NextInt(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
