using System.Runtime.InteropServices;

namespace Retention.Tests.Host;

/// <summary>
/// A SIGTERM in the moments after a command has done its work, while the runtime exits: the process ended with 143 (the
/// default action, the handlers having been released), which a script or Slurm reads as a killed command though everything
/// was written. Here SIGTERMs are sent every millisecond from the command's output on until it exits.
/// </summary>
public class SignalAfterEndTests() : InTempFolder("signal-after-end-")
{
    [DllImport("libc", EntryPoint = "kill")]
    static extern int Kill(int pid, int signal);

    [Fact]
    public async Task Signals_after_the_commands_output_never_end_it_as_killed()
    {
        File.WriteAllText(Path.Combine(dir, "syn.yaml"), "name: syn\nsynthetic: {tasks: 2, dims_per_task: 2, width: 2}\ntrain: {steps: 10}\n");
        var exits = new List<int>();
        for (int attempt = 0; attempt < 10; attempt++)
        {
            using var validate = CliProcess.Start(dir, "validate", "syn.yaml");
            // Its handlers are in place before the command runs, so from its first output on a signal is the program's to take.
            // (It may have exited before its output reached the test: then the signals find no process.)
            while (validate.Output.Length == 0 && !validate.HasExited) Thread.Sleep(1);
            var sending = Task.Run(() => { while (Kill(validate.Id, 15) == 0) Thread.Sleep(1); });
            exits.Add(validate.WaitForExit(TimeSpan.FromMinutes(1)).Exit);
            await sending;
        }
        // 0 where the command had finished, 130 where a signal came while it still ran; 143 is neither.
        Assert.All(exits, e => Assert.Contains(e, new[] { 0, 130 }));
    }
}
