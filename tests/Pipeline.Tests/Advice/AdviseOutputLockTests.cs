using Retention.Artifacts;
using Retention.Tests.Host;

namespace Retention.Tests.Advice;

/// <summary>`pipeline advise` holds the folder it writes while it writes it, when that is no sweep's analysis/ (--output DIR, or
/// a pipeline file's artifacts/advice/NAME): it took no hold there, so two advices into one folder could interleave their files.
/// A second one is refused at once naming the folder and the holder, as a sweep's lock is said; the lock's files go when the
/// advice ends, and a killed holder's (its lock released by the OS) are taken over. (The holder is this test, holding the lock
/// as an advice does.)</summary>
public sealed class AdviseOutputLockTests() : InTempFolder("advise-output-lock-")
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    void WriteMix() => File.WriteAllText(Path.Combine(dir, "mix.yaml"), """
        name: mix
        device: cpu
        synthetic: {tasks: 2, dims_per_task: 2, width: 1, rare: {frequency: 0.05}}
        train: {steps: 10, batch_size: 8, log_every: 10}
        """);

    static string[] Entries(string folder) =>
        [.. Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_second_advice_into_a_held_folder_is_refused_naming_it_and_the_holder()
    {
        WriteMix();
        var output = Path.Combine(dir, "out");
        using (SweepLock.Acquire(output, SweepLock.ForAdvice))
        {
            var refused = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--output", output);
            Assert.True(refused.Exit == 1, refused.Out + refused.Err);
            Assert.Contains($"error: --output {output} is in use by another pipeline process (pid {Environment.ProcessId} on ", refused.Err);
            Assert.Contains("(advice)); wait for it to finish, or give another --output", refused.Err);
            Assert.Equal([".lock", ".lock.owner"], Entries(output));   // the holder's files only: nothing written beside them

            // The default folder of a pipeline file, said as such.
            var fallback = Path.Combine("artifacts", "advice", "mix");
            using (SweepLock.Acquire(Path.Combine(dir, fallback), SweepLock.ForAdvice))
            {
                var byDefault = CliProcess.Run(dir, Limit, "advise", "mix.yaml");
                Assert.True(byDefault.Exit == 1, byDefault.Out + byDefault.Err);
                Assert.Contains($"error: the advice folder {fallback} is in use by another pipeline process (pid {Environment.ProcessId} on ", byDefault.Err);
                Assert.Contains("write the advice elsewhere with --output DIR", byDefault.Err);
            }

            // Advice from sweeps into --output elsewhere: the folder is held as well as the sweep read.
            var sweep = Path.Combine(dir, "sweep");
            await OlmoSweepFiles.Write(sweep);
            var fromSweep = CliProcess.Run(dir, Limit, "advise", sweep, "--output", output);
            Assert.True(fromSweep.Exit == 1, fromSweep.Out + fromSweep.Err);
            Assert.Contains($"error: --output {output} is in use by another pipeline process (pid {Environment.ProcessId} on ", fromSweep.Err);
            Assert.False(SweepLock.IsHeld(sweep));
            Assert.Equal([".lock", ".lock.owner"], Entries(output));
        }
        // Released as a killed holder's is (its files stay): the next advice takes the folder over and leaves only its files.
        var advise = CliProcess.Run(dir, Limit, "advise", "mix.yaml", "--output", output);
        Assert.True(advise.Exit == 0, advise.Out + advise.Err);
        Assert.Equal(["advice.png", "advice_frequencies.arrow", "advice_widths.arrow"], Entries(output));
    }

    [Fact]
    public void A_failing_advice_leaves_no_folder_it_made_for_its_lock()
    {
        // No rare task: refused after the folder is held (the advice computes it), and the new folders go again.
        File.WriteAllText(Path.Combine(dir, "plain.yaml"), """
            name: plain
            device: cpu
            synthetic: {tasks: 2, dims_per_task: 2, width: 1}
            train: {steps: 10, batch_size: 8, log_every: 10}
            """);
        var refused = CliProcess.Run(dir, Limit, "advise", "plain.yaml", "--output", Path.Combine("a", "b"));
        Assert.True(refused.Exit == 2, refused.Out + refused.Err);
        Assert.Contains("synthetic.rare", refused.Err);
        Assert.False(Directory.Exists(Path.Combine(dir, "a")));
        // A folder that was there before stays, empty as it was.
        var empty = Directory.CreateDirectory(Path.Combine(dir, "empty")).FullName;
        Assert.Equal(2, CliProcess.Run(dir, Limit, "advise", "plain.yaml", "--output", empty).Exit);
        Assert.Empty(Entries(empty));
    }
}
