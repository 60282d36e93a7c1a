using System.Globalization;
using System.Text.RegularExpressions;

namespace Retention.Cluster;

/// <summary>
/// What each array task asks Slurm for (`pipeline submit` options). Null fields are left to the
/// cluster's defaults. <see cref="SignalLeadSeconds"/> is how long before the time limit (or on
/// preemption) Slurm warns the task with SIGUSR1, so it can checkpoint and requeue itself.
/// <see cref="AnalysisTime"/> is the analysis job's limit (it has no --time otherwise: the partition's default).
/// </summary>
public sealed record SlurmResources(
    string? Partition = null,
    int GpusPerRun = 0,
    int CpusPerRun = 1,
    string? Mem = null,
    string? Time = null,
    int MaxParallel = 0,
    int SignalLeadSeconds = 120,
    string? AnalysisTime = null)
{
    /// <summary>The least values of the whole-number options, which `submit` also refuses below as it parses them.</summary>
    public static readonly Messages.LeastValue LeastGpusPerRun = new(0), LeastCpusPerRun = new(1), LeastMaxParallel = new(0, "0 = no limit");

    /// <summary>The bounds of --signal-lead: Slurm's --signal takes at most 65535 seconds; under 10 leaves a task no time to stop.</summary>
    public static readonly Messages.LeastValue SignalLeadRange = new(10, "seconds", Most: 65535);

    /// <summary>The time formats Slurm reads and --time takes, said by its help and its errors alike.</summary>
    public const string TimeFormats = "minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS";

    /// <summary>A Slurm memory size as --mem takes it: a number, then perhaps a unit (K, M, G, T) and a B after it; the
    /// check of --mem and the size a task gets (<see cref="TaskMemory"/>) read it alike.</summary>
    const string MemSize = "^([0-9]+)(?:([KMGT])B?)?$";

    /// <summary>Every problem with the values, as messages naming the option.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (option, least, value) in new[] { ("--gpus-per-run", LeastGpusPerRun, GpusPerRun),
                     ("--cpus-per-run", LeastCpusPerRun, CpusPerRun), ("--max-parallel", LeastMaxParallel, MaxParallel), ("--signal-lead", SignalLeadRange, SignalLeadSeconds) })
            if (least.Refusal(option, value) is { } refusal) problems.Add(refusal);
        if (Mem is not null && !Regex.IsMatch(Mem, MemSize, RegexOptions.IgnoreCase))
            problems.Add($"--mem '{Mem}' is not a Slurm memory size (e.g. 16G, 16GB, 500M)");
        if (Partition is not null && !Regex.IsMatch(Partition, "^[A-Za-z0-9_.,-]+$"))
            problems.Add($"--partition '{Partition}' is not a partition name");
        if (Time is not null)
        {
            if (TimeLimitSeconds(Time) is not { } seconds)
                problems.Add($"--time '{Time}' is not a Slurm time ({TimeFormats})");
            else if (seconds == 0)
                problems.Add($"--time {Time}: Slurm reads 0 as no limit; leave --time out for the partition's limit, or give one");
            else if (seconds <= SignalLeadSeconds)
                problems.Add($"--time {Time} leaves no time before the warning --signal-lead {SignalLeadSeconds} s: give a longer --time or a shorter --signal-lead");
        }
        if (AnalysisTime is not null && TimeLimitSeconds(AnalysisTime) is null)
            problems.Add($"--analysis-time '{AnalysisTime}' is not a Slurm time ({TimeFormats})");
        // As for --time: Slurm's "no limit", which a partition with a limit leaves pending for ever (PartitionTimeLimit).
        else if (AnalysisTime is not null && TimeLimitSeconds(AnalysisTime) == 0)
            problems.Add($"--analysis-time {AnalysisTime}: Slurm reads 0 as no limit; leave --analysis-time out for the partition's limit, or give one");
        return problems;
    }

    /// <summary>How a value that reads as something else is taken: Slurm reads "12:00" as MM:SS, twelve minutes, where "twelve
    /// hours" is the likelier intent, and each attempt would then requeue every ten minutes without a word.
    /// A memory size without a unit is megabytes to Slurm: "--mem 64" meant as 64 GB gets tasks killed out of memory.
    /// A size of zero (with any unit) is Slurm's special case: all of each node's memory, so each task holds a whole node's.</summary>
    public IReadOnlyList<string> Notes() =>
        [.. new[] { ("--time", Time), ("--analysis-time", AnalysisTime) }
            .Where(o => o.Item2 is { } t && Regex.IsMatch(t, @"^\d+:\d+$"))
            .Select(o => $"{o.Item1} {o.Item2} is {TimeLimitSeconds(o.Item2!)! / 60} min {TimeLimitSeconds(o.Item2!)! % 60} s to Slurm (MM:SS); " +
                         $"for {o.Item2!.Split(':')[0]} hours give {o.Item2}:00"),
         .. Mem is { } zero && Regex.IsMatch(zero, "^0+(?:[KMGT]B?)?$", RegexOptions.IgnoreCase)
            ? [$"--mem {zero} asks Slurm for all of each node's memory (its special case for zero): each task holds a whole node's memory"]
         : Mem is { } mem && Regex.IsMatch(mem, @"^\d+$")
            ? [$"--mem {mem} is {mem} MB to Slurm (its default unit); for gigabytes give {mem}G"] : Array.Empty<string>()];

    /// <summary>--mem as the batch script gives it: "16GB" and "16gb" as "16G". Slurm reads a unit's trailing B, but
    /// releases differ in how (older ones look at the unit's first letter only), and its manual gives the units upper-case,
    /// so the script gives the one spelling all of them read.</summary>
    public string? SlurmMem => Mem is { } m && m.EndsWith("B", StringComparison.OrdinalIgnoreCase) ? m[..^1].ToUpperInvariant() : Mem?.ToUpperInvariant();

    /// <summary>What a CPU run's memory estimate is checked against: the memory each task asks Slurm for (the runs train on the
    /// compute nodes, not on the login node that submits). Null where --mem leaves it to the cluster (not given: its default;
    /// 0: a whole node's), which this machine cannot know: the runs' memory is then not checked.</summary>
    public Spec.MemoryBudget? TaskMemory
    {
        get
        {
            var m = Mem is null ? null : Regex.Match(Mem, MemSize, RegexOptions.IgnoreCase);
            if (m is not { Success: true } || !long.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out var size) || size == 0) return null;
            // Slurm's units are binary, and a bare number is megabytes.
            int shift = (m.Groups[2].Success ? m.Groups[2].Value.ToUpperInvariant() : "M") switch { "K" => 10, "M" => 20, "G" => 30, _ => 40 };
            if (size > long.MaxValue >> shift) return null;
            long bytes = size << shift;
            // A run on `auto` trains on its node's CPU where the task asks for no GPU (as submit groups it), so it is held to --mem.
            return new(bytes, $"--mem {Mem} gives each task {Spec.ResourceEstimate.GiB(bytes)}", "give a larger --mem, or ")
                { AutoOnCpu = () => TrainsOnCpu("auto"), AutoOnCpuSaid = " on the node's CPU (device: auto, and no --gpus-per-run)" };
        }
    }

    /// <summary>Whether a task's runs on <paramref name="device"/> train on its node's CPU: `cpu`, and `auto` where the task asks
    /// for no GPU. auto picks a GPU where the task has one, which it asks for with --gpus-per-run; whether the login node that
    /// submits has one says nothing of the compute nodes, and asking would load LibTorch there. Submit's grouping and its
    /// --mem check both read it.</summary>
    public bool TrainsOnCpu(string device) => device == "cpu" || device == "auto" && GpusPerRun == 0;

    /// <summary>How long the work may go on after the warning before it must have checkpointed: three
    /// quarters of the lead (Slurm may signal up to a minute early, and the rest covers the exit).</summary>
    public int StopGraceSeconds => Math.Max(5, SignalLeadSeconds * 3 / 4);

    /// <summary>Slurm's --time formats in seconds ("30" is minutes), or null when it is not one.</summary>
    public static long? TimeLimitSeconds(string time)
    {
        var m = Regex.Match(time, @"^(?:(\d+)-)?(\d+)(?::(\d+))?(?::(\d+))?$");
        if (!m.Success) return null;
        long N(int g) => m.Groups[g].Success ? long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture) : 0;
        int parts = 1 + (m.Groups[3].Success ? 1 : 0) + (m.Groups[4].Success ? 1 : 0);
        if (m.Groups[1].Success)   // D-HH, D-HH:MM, D-HH:MM:SS
            return N(1) * 86400 + N(2) * 3600 + N(3) * 60 + N(4);
        return parts switch
        {
            1 => N(2) * 60,                            // minutes
            2 => N(2) * 60 + N(3),                     // MM:SS
            _ => N(2) * 3600 + N(3) * 60 + N(4),       // HH:MM:SS
        };
    }
}
