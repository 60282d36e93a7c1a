namespace Retention.Data;

/// <summary>
/// SplitMix64: a tiny generator whose output is fixed by its definition, not by a runtime version
/// (System.Random's seeded sequence is an implementation detail of .NET). Everything the data
/// stream draws (task instances, splits, injection order and placement, the held-out hash) comes
/// from here, seeded by <see cref="Seed"/> from explicit parts, so a stream is reproducible bit for
/// bit on any machine and any step's draws can be regenerated alone.
/// </summary>
public struct StableRng
{
    private ulong _state;

    public StableRng(ulong seed) => _state = seed;

    /// <summary>A generator for one purpose: mixes the parts in order (different parts or order give unrelated streams).</summary>
    public static StableRng Seed(params ReadOnlySpan<long> parts) => new(Hash(parts));

    public static ulong Hash(params ReadOnlySpan<long> parts)
    {
        ulong h = 0x9E3779B97F4A7C15UL;
        foreach (long p in parts) h = Mix(h + unchecked((ulong)p) * 0xD1B54A32D192ED03UL + 0x9E3779B97F4A7C15UL);
        return h;
    }

    /// <summary>A stable 64-bit hash of a string (FNV-1a over its UTF-16 code units, then mixed);
    /// string.GetHashCode is randomised per process and cannot seed anything reproducible.</summary>
    public static long HashString(string s)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in s) h = (h ^ c) * 0x100000001B3UL;
        return unchecked((long)Mix(h));
    }

    /// <summary>The SplitMix64 finaliser (a bijection on 64 bits with full avalanche).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextUInt64() => Mix(_state += 0x9E3779B97F4A7C15UL);

    /// <summary>Uniform in [0, n), unbiased (rejection of the incomplete top range).</summary>
    public long NextInt64(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        ulong bound = (ulong)n;
        ulong limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong x;
        do x = NextUInt64(); while (x >= limit);
        return (long)(x % bound);
    }

    public int NextInt(int n) => (int)NextInt64(n);

    /// <summary>Fisher–Yates shuffle in place.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A uniformly random permutation of 0..n-1.</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Shuffle(p.AsSpan());
        return p;
    }

    /// <summary>k distinct values from [0, n), ascending (Floyd's algorithm: k draws whatever n is).</summary>
    public long[] SortedDistinct(int k, long n)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var chosen = new HashSet<long>(k);
        for (long j = n - k; j < n; j++)
        {
            long t = NextInt64(j + 1);
            chosen.Add(chosen.Contains(t) ? j : t);
        }
        var result = chosen.ToArray();
        Array.Sort(result);
        return result;
    }
}
