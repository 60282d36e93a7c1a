using System.Text;
using Retention.Pipeline;

namespace Retention.Cluster;

/// <summary>
/// The batch scripts of a submission, as text (pure: `submit --dry-run` prints them).
///
/// The array script runs one task of the sweep per array index. Slurm warns a task before its time
/// limit, and on preemption, with SIGUSR1 to the batch shell (<c>--signal=B:USR1@lead</c>); a shell cannot
/// take a signal while a foreground command runs, so the program runs in the background and the trap
/// forwards the signal. The program then stops at the next step, completes its files (an OLMo run
/// saves a checkpoint of that step) and exits 130; the script requeues the task, which starts again
/// from the top with the same index and resumes. SIGTERM (scancel, the hard limit, preemption) reaches
/// the program from Slurm itself, which signals every process of the job: the script does not forward
/// it (a second signal means "stop at once") and does not requeue; the run is left interrupted, and a
/// resubmission (or Slurm's own requeue on preemption) continues it.
/// </summary>
public static class SlurmScripts
{
    /// <param name="launcher">The program and its first arguments, e.g. ["dotnet", "/opt/pipeline/pipeline.dll"].</param>
    public static string Array(SlurmSubmission s, IReadOnlyList<string> launcher, string jobName)
    {
        var r = s.Resources;
        var dir = s.Directory;
        int tasks = s.Tasks.Count;
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"# pipeline submit: {Messages.Counted.Of(tasks, "task")} of the sweep {s.SweepDir}; task i trains the runs listed under tasks[i] of submission.json\n");
        b.Append($"#SBATCH --job-name={jobName}\n");
        b.Append($"#SBATCH --array=0-{tasks - 1}{(r.MaxParallel > 0 ? $"%{r.MaxParallel}" : "")}\n");
        b.Append($"#SBATCH --output={dir}/{SlurmSubmission.LogsFolder}/%A_%a.out\n");
        b.Append("#SBATCH --open-mode=append\n");
        b.Append($"#SBATCH --signal=B:USR1@{r.SignalLeadSeconds}\n");
        b.Append("#SBATCH --requeue\n");
        b.Append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n");
        b.Append($"#SBATCH --cpus-per-task={r.CpusPerRun}\n");
        AppendCommon(b, r, withTime: true);
        if (r.GpusPerRun > 0) b.Append($"#SBATCH --gres=gpu:{r.GpusPerRun}\n");
        b.Append("set -u\n");
        // First: an untrapped SIGUSR1 ends the shell (Slurm may warn up to a minute early, preemption at any time). The
        // program is warned once: a second signal would stop it at once, without its checkpoint.
        b.Append("requeue=0; child=; warned=\n");
        b.Append("warn() { requeue=1; if [ -n \"$child\" ] && [ -z \"$warned\" ]; then warned=1; kill -USR1 \"$child\" 2>/dev/null; fi; }\n");
        b.Append("trap warn USR1\n");
        b.Append($"export PIPELINE_STOP_GRACE_S={r.StopGraceSeconds}\n");
        b.Append("echo \"pipeline task ${SLURM_ARRAY_TASK_ID} of job ${SLURM_ARRAY_JOB_ID} on $(hostname) at $(date -u +%FT%TZ), attempt $(( ${SLURM_RESTART_COUNT:-0} + 1 ))\"\n");
        b.Append("# scancel, the hard time limit and preemption send SIGTERM to every process of the job, the program\n");
        b.Append("# included: the shell only keeps waiting for it to wind down (forwarding would be a second signal)\n");
        b.Append("trap 'echo \"SIGTERM: the program stops and completes its files\"' TERM\n");
        b.Append($"{Command([.. launcher, "task", dir, "${SLURM_ARRAY_TASK_ID}", "--threads", r.CpusPerRun.ToString()])} &\n");
        b.Append("child=$!\n");
        b.Append("[ \"$requeue\" = 1 ] && warn   # a warning that came before the program started\n");
        b.Append("# wait returns early when a trapped signal arrives: wait again until the program has exited,\n");
        b.Append("# then once more for its own exit status (bash keeps it after the child is reaped)\n");
        b.Append("while true; do wait \"$child\"; kill -0 \"$child\" 2>/dev/null || break; done\n");
        b.Append("wait \"$child\"; rc=$?\n");
        b.Append("# 138 = 128 + SIGUSR1: the warning reached the program in its first moments, before it takes the signal\n");
        b.Append("# (it has written nothing then): requeued alike, to continue from where the run stands\n");
        b.Append("if [ \"$requeue\" = 1 ] && { [ \"$rc\" = 130 ] || [ \"$rc\" = 138 ]; }; then\n");
        b.Append($"  echo \"$(date -u +%FT%TZ) ${{SLURM_ARRAY_TASK_ID}}\" >> {Quote(Path.Combine(dir, SlurmSubmission.RequeueLog))}\n");
        b.Append("  if [ \"$rc\" = 138 ]; then echo \"warned before the program took the signal (this attempt wrote nothing); requeueing\"\n");
        b.Append("  else echo \"checkpointed after the scheduler's warning; requeueing\"; fi\n");
        b.Append("  scontrol requeue \"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\" || echo \"error: scontrol requeue failed (exit $?): resubmit to continue\"\n");
        b.Append("fi\n");
        b.Append("exit \"$rc\"\n");
        return b.ToString();
    }

    /// <summary>The analysis, run once the array has ended (its dependency is added at submission).</summary>
    public static string Analysis(SlurmSubmission s, IReadOnlyList<string> launcher, string jobName)
    {
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"# pipeline submit: the analysis of {s.SweepDir}, after the array's tasks end\n");
        b.Append($"#SBATCH --job-name={jobName}-analysis\n");
        b.Append($"#SBATCH --output={s.Directory}/{SlurmSubmission.LogsFolder}/analysis-%j.out\n");
        b.Append("#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=1\n");
        AppendCommon(b, s.Resources, withTime: false);   // the tasks' limit is per training attempt, not the analysis's
        if (s.Resources.AnalysisTime is not null) b.Append($"#SBATCH --time={s.Resources.AnalysisTime}\n");
        b.Append("set -u\n");
        b.Append($"exec {Command([.. launcher, "analyze", s.SweepDir])}\n");
        return b.ToString();
    }

    static void AppendCommon(StringBuilder b, SlurmResources r, bool withTime)
    {
        if (r.Partition is not null) b.Append($"#SBATCH --partition={r.Partition}\n");
        if (r.SlurmMem is not null) b.Append($"#SBATCH --mem={r.SlurmMem}\n");
        if (withTime && r.Time is not null) b.Append($"#SBATCH --time={r.Time}\n");
    }

    /// <summary>Words quoted for bash; a "${…}" word is left for the shell to expand.</summary>
    static string Command(IEnumerable<string> words) =>
        string.Join(' ', words.Select(w => w.StartsWith("${", StringComparison.Ordinal) ? $"\"{w}\"" : Quote(w)));

    static string Quote(string word) => ShellWords.Quote(word);
}
