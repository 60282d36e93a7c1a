using Retention.Artifacts;

namespace Retention.Tests.Artifacts;

/// <summary>
/// The sweep and run locks: a holder is seen by every probe; probes never see each other (tasks of
/// an array start side by side and each probes the sweep lock; `pipeline status` probes every run);
/// and taking a lock while others probe it succeeds.
/// </summary>
public sealed class SweepLockTests() : InTempFolder("lock-")
{
    [Fact]
    public void A_holder_is_seen_until_it_lets_go()
    {
        Assert.False(SweepLock.IsHeld(dir));   // no lock file yet
        var held = SweepLock.Acquire(dir);
        Assert.True(SweepLock.IsHeld(dir));
        var error = Assert.Throws<SweepLockedException>(() => SweepLock.ThrowIfHeld(dir));
        Assert.Contains($"pid {Environment.ProcessId}", error.Message);
        held.Dispose();
        Assert.False(SweepLock.IsHeld(dir));
        SweepLock.ThrowIfHeld(dir);
    }

    [Fact]
    public void A_probe_does_not_see_another_probe_in_progress()
    {
        SweepLock.Acquire(dir).Dispose();   // the lock file exists, nobody holds it
        // What another probe holds for its instant (a task starting beside this one, `pipeline status`).
        using (new FileStream(Path.Combine(dir, SweepLock.FileName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            Assert.False(SweepLock.IsHeld(dir));
    }

    [Fact]
    public async Task Taking_the_lock_while_others_probe_it_succeeds()
    {
        SweepLock.Acquire(dir).Dispose();
        using var stop = new CancellationTokenSource();
        var probers = Enumerable.Range(0, 3).Select(_ => Task.Run(() => { while (!stop.IsCancellationRequested) SweepLock.IsHeld(dir); })).ToArray();
        try
        {
            for (int i = 0; i < 50; i++) SweepLock.Acquire(dir).Dispose();
        }
        finally
        {
            stop.Cancel();
            await Task.WhenAll(probers);
        }
    }

    [Fact]
    public void Locking_several_run_directories_is_all_or_nothing()
    {
        var a = Path.Combine(dir, "a");
        var b = Path.Combine(dir, "b");
        using (SweepLock.Acquire(b))
        {
            Assert.Throws<SweepLockedException>(() => SweepLock.AcquireAll([a, b]));
            Assert.False(SweepLock.IsHeld(a));   // the first was let go again
        }
        using (SweepLock.AcquireAll([a, b]))
        {
            Assert.True(SweepLock.IsHeld(a));
            Assert.True(SweepLock.IsHeld(b));
        }
        Assert.False(SweepLock.IsHeld(a) || SweepLock.IsHeld(b));
    }
}
