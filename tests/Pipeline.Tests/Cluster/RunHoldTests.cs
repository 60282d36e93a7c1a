using Retention.Cluster;
using Retention.Pipeline;

namespace Retention.Tests.Cluster;

/// <summary>What `status` makes of a run's lock probed, its status.json read, the lock probed again (and the file read again):
/// a run that ends or starts while it is looked at is never shown as left interrupted.</summary>
public sealed class RunHoldTests
{
    static RunStatus? End(string? state) => state is null ? null : new RunStatus(state, 100, 1);

    /// <summary>Every (probe, read, probe) with an end that the second read would find: what is kept, and whether it reads again.</summary>
    [Theory]
    [InlineData(false, null, false, "failed", true, false)]              // ended between the probes: its end, read again
    [InlineData(false, "completed", false, "completed", false, false)]
    [InlineData(false, "interrupted", false, "interrupted", false, false)]
    [InlineData(false, null, true, null, false, true)]                   // started after the first probe: running
    [InlineData(false, "completed", true, "completed", false, true)]
    [InlineData(false, "interrupted", true, "interrupted", false, true)]
    [InlineData(true, null, false, null, false, true)]                   // ended after the read: running when read
    [InlineData(true, "completed", false, "completed", false, true)]     // ended before the read
    [InlineData(true, "interrupted", false, "interrupted", false, true)]
    [InlineData(true, null, true, null, false, true)]                    // running throughout
    [InlineData(true, "completed", true, "completed", false, true)]      // written, lock not yet gone
    [InlineData(true, "interrupted", true, "interrupted", false, true)]
    public void Each_observation_keeps_what_was_true_during_it(bool heldBefore, string? read, bool heldAfter, string? expected, bool readsAgain, bool held)
    {
        bool readAgain = false;
        var hold = RunHold.Of(heldBefore, End(read), heldAfter, () => { readAgain = true; return End("failed"); });
        Assert.Equal(expected, hold.Ended?.State);
        Assert.Equal(held, hold.Held);
        Assert.Equal(readsAgain, readAgain);
    }

    [Fact]
    public void A_run_never_held_and_without_an_end_at_both_reads_is_left_without_one()
    {
        var hold = RunHold.Of(false, null, false, () => null);
        Assert.Equal(new RunHold(null, false), hold);
    }

    /// <summary>An end read while the run was held: the earlier attempt's where written before the holder took its lock (or the
    /// holder has not written its line yet), so the run is starting again; the holder's own where written since; a completed
    /// one kept (a resume skips it); a run held by nothing keeps its end whatever the times.</summary>
    [Theory]
    [InlineData(true, "failed", -1, 0, null, "failed")]
    [InlineData(true, "interrupted", -1, 0, null, "interrupted")]
    [InlineData(true, "failed", null, 0, null, "failed")]                // held, the holder's line not written yet
    [InlineData(true, "failed", 0, 0, "failed", null)]                  // written as the lock was taken: the holder's own
    [InlineData(true, "failed", 0, 1, "failed", null)]                  // written since: the holder's own
    [InlineData(true, "completed", -1, 0, "completed", null)]
    [InlineData(false, "failed", -1, 0, "failed", null)]
    public void An_end_written_before_its_holder_took_the_lock_is_the_earlier_attempts(bool held, string read, int? holderAt, int writtenAt,
        string? ended, string? earlier)
    {
        var t0 = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var hold = new RunHold(End(read), held).StartedAgain(t0.AddSeconds(writtenAt), holderAt is { } h ? t0.AddSeconds(-h) : null);
        Assert.Equal(ended, hold.Ended?.State);
        Assert.Equal(earlier, hold.Earlier?.State);
        Assert.Equal(held, hold.Held);
    }

    // A model of one run and one `status` looking at it: the training process's steps (as GroupTraining takes them under its
    // lock) interleaved with the observer's in every order, and what is shown checked against what was true at some moment
    // between the observer's first step and its last.

    sealed record World(bool Held, string? Status);

    static readonly Func<World, World> Acquire = w => w with { Held = true }, Release = w => w with { Held = false },
        Remove = w => w with { Status = null };
    static Func<World, World> Write(string state) => w => w with { Status = state };

    /// <summary>One attempt's start or end at most each (two attempts starting within one look are out of reach, as said in RunHold.Of).</summary>
    static readonly (string Name, World Initial, Func<World, World>[] Steps)[] Scenarios =
    [
        ("running throughout", new(true, null), []),
        ("completed", new(false, "completed"), []),
        ("killed without a word", new(false, null), []),
        ("ends", new(true, null), [Write("completed"), Release]),
        ("ends and is requeued", new(true, null), [Write("interrupted"), Release, Acquire, Remove]),
        ("resumed", new(false, "interrupted"), [Acquire, Remove]),
        ("resumed after a kill", new(false, null), [Acquire, Remove]),
        ("resumed after failing", new(false, "failed"), [Acquire, Remove]),
        ("resumed and fails", new(false, "interrupted"), [Acquire, Remove, Write("failed"), Release]),
        // Never interrupted: shown so only where the file is not read again once the attempt has ended.
        ("resumed after failing and completes", new(false, "failed"), [Acquire, Remove, Write("completed"), Release]),
        ("resumed after a kill and completes", new(false, null), [Acquire, Remove, Write("completed"), Release]),
    ];

    /// <summary>What `status` may truly say of the run at one moment: running while held without an end; an end written
    /// while held (by a run about to let go, or an earlier end a starting run has yet to remove) either way.</summary>
    static string[] TrueAt(World w) => w.Held ? w.Status is null ? ["running"] : [w.Status, "running"] : [w.Status ?? "interrupted"];

    static string Shown(RunStatus? ended, bool held) => ended?.State ?? (held ? "running" : "interrupted");

    /// <summary>Every interleaving of the process's steps with the observer's <paramref name="observerSteps"/> steps.</summary>
    static IEnumerable<bool[]> Interleavings(int processSteps, int observerSteps)
    {
        // true: the observer's next step; false: the process's.
        int n = processSteps + observerSteps;
        for (int mask = 0; mask < 1 << n; mask++)
            if (System.Numerics.BitOperations.PopCount((uint)mask) == observerSteps)
                yield return [.. Enumerable.Range(0, n).Select(i => (mask >> i & 1) == 1)];
    }

    /// <summary>Runs one interleaving, the observer's steps reading the world in order. Returns each world current at or
    /// between its steps, with when: at its step i, or i + 0.5 after it and before the next.</summary>
    static List<(World World, double At)> Play(World initial, Func<World, World>[] steps, bool[] order, Action<World>[] observer)
    {
        var w = initial;
        int p = 0, o = 0;
        var seen = new List<(World, double)>();
        foreach (bool observes in order)
            if (observes) { observer[o++](w); seen.Add((w, o)); }
            else { w = steps[p++](w); if (o > 0) seen.Add((w, o + 0.5)); }
        return seen;
    }

    /// <summary>The worlds from the observer's first step to its step <paramref name="last"/>.</summary>
    static IEnumerable<World> Window(List<(World World, double At)> seen, int last) => seen.Where(s => s.At <= last).Select(s => s.World);

    [Fact]
    public void Probe_read_probe_shows_what_was_true_at_some_moment_of_the_look_in_every_interleaving()
    {
        int checkedCount = 0;
        foreach (var (name, initial, steps) in Scenarios)
            foreach (var order in Interleavings(steps.Length, 4))
            {
                bool p1 = false, p2 = false;
                RunStatus? r1 = null, r2 = null;
                bool readAgain = false;
                var seen = Play(initial, steps, order,
                    [w => p1 = w.Held, w => r1 = End(w.Status), w => p2 = w.Held, w => r2 = End(w.Status)]);
                var hold = RunHold.Of(p1, r1, p2, () => { readAgain = true; return r2; });
                // Where it did not read again, its look ended at the second probe.
                var window = Window(seen, readAgain ? 4 : 3).ToList();
                var shown = Shown(hold.Ended, hold.Held);
                Assert.True(window.Any(w => TrueAt(w).Contains(shown)),
                    $"{name}, order {string.Concat(order.Select(x => x ? 'o' : 'p'))}: shown {shown}, true meanwhile: " +
                    string.Join(", ", window.Select(w => string.Join("/", TrueAt(w)))));
                checkedCount++;
            }
        Assert.Equal(Scenarios.Sum(s => Binomial(s.Steps.Length + 4, 4)), checkedCount);
    }

    static int Binomial(int n, int k) => k == 0 ? 1 : Binomial(n - 1, k - 1) * n / k;

    [Fact]
    public void The_model_catches_reading_before_probing_as_status_did()
    {
        // The old order: status.json read, then the lock probed once; a run that ended between them was shown interrupted.
        var (_, initial, steps) = Scenarios.Single(s => s.Name == "ends");
        var wrong = Interleavings(steps.Length, 2).Where(order =>
        {
            RunStatus? read = null;
            bool held = false;
            var seen = Play(initial, steps, order, [w => read = End(w.Status), w => held = w.Held]);
            return !Window(seen, 2).Any(w => TrueAt(w).Contains(Shown(read, held)));
        }).ToList();
        var only = Assert.Single(wrong);
        Assert.Equal("oppo", string.Concat(only.Select(x => x ? 'o' : 'p')));   // read, end written, lock let go, probe
    }
}
