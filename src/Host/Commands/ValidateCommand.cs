using System.CommandLine;
using Retention.Messages;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>`pipeline validate FILE`: check a pipeline and print what it would run.</summary>
public static class ValidateCommand
{
    public static Command Build()
    {
        var opts = new PipelineOptions();
        var print = new Option<bool>("--print") { Description = "Print the resolved YAML (after profile and --set) on stdout, the list of runs on stderr." };
        var cmd = new Command("validate", "Check a pipeline file (types, ranges, keys) and list the runs its sweep expands into.");
        opts.AddTo(cmd);
        cmd.Options.Add(print);
        cmd.SetAction(r =>
        {
            try
            {
                // The profiles not selected now are checked too (a typo in the gpu profile found before a cluster job needs it).
                var p = opts.Load(r, checkOtherProfiles: true, analysisMoment: Retention.Analysis.AnalysisCheckMoment.Validation);
                // The largest group, which every `run` holds at once whatever its --jobs (`run` also checks the groups its --jobs adds).
                if (Retention.Pipeline.MachineMemoryCheck.Error(p, jobs: 1, MemoryBudget.ThisMachine()) is { } tooBig) throw new SpecException(tooBig);
                // With --print, stdout is the YAML alone (`--print > resolved.yaml` saves a file that loads again);
                // the summary goes to stderr.
                bool printing = r.GetValue(print);
                if (printing) Console.Out.Write(p.ResolvedYaml.EndsWith('\n') ? p.ResolvedYaml : p.ResolvedYaml + "\n");
                var summary = printing ? Console.Error : Console.Out;
                summary.WriteLine($"{p.SourceName}: ok, {Counted.Of(p.Runs.Count, "run")}{(p.Profile is null ? "" : $" with profile {p.Profile}")}{ProfilesOf(p)}");
                foreach (var run in p.Runs)
                    summary.WriteLine($"  {run.RunId}: {Model(run)}{OtherSwept(p, run)}, seed {run.Spec.Seed}, {Counted.Of(run.Spec.Train.Steps, "step")} on {run.Spec.Device}");
                Errors.Warn(p.SourceName, p.AnalysisWarnings);
                if (p.Runs.FirstOrDefault(run => run.ReferenceLengthsAtRun) is { Spec.Data.Tokenizer.Kind: var kind })
                    Console.Error.WriteLine($"note: {p.SourceName}: whether olmo.reference_tasks fit data.packing.seq_len is checked when the run " +
                        $"starts: the {kind} tokenizer that measures them is not here yet (the run fetches it)");
                if (printing) NoteRelativePaths(p);
                return 0;
            }
            catch (Exception e) when (Errors.IsUserFacing(e))
            {
                var code = Errors.Report(e);
                opts.NotesAfter(r, e);
                return code;
            }
        });
        return cmd;
    }

    /// <summary>The printed YAML keeps relative data paths as written, and they resolve against the folder of the file
    /// that holds them: saved elsewhere (`--print > resolved.yaml` in the current folder) it reads other files, or none.
    /// Rewriting them absolute would rename documents without ids, and so change the held-out split.</summary>
    static void NoteRelativePaths(LoadedPipeline p)
    {
        var relative = RelativeDataPaths.Of([p.Spec, .. p.Runs.Select(r => r.Spec)]);
        if (relative.Count == 0) return;
        Console.Error.WriteLine($"note: the printed YAML's relative data paths ({string.Join(", ", relative.Take(3))}" +
            $"{(relative.Count > 3 ? $" and {relative.Count - 3} more" : "")}) resolve against the folder of the file that holds them: " +
            $"save it in {p.BaseDirectory}, or give --data-dir {p.BaseDirectory} to the commands that read it, for the same runs");
    }

    /// <summary>The file's profiles, after the summary: the README's pipelines name only cpu and gpu, and a file's others
    /// (olmo-frequency-phase.yaml's cpu-capacity, gpu-bytes) were found only by reading it, or by a wrong --profile.</summary>
    static string ProfilesOf(LoadedPipeline p) => p.ProfileNames.Count == 0 ? ""
        : p.Profile is null ? $" without a profile (the file's profiles: {string.Join(", ", p.ProfileNames)}; --profile NAME selects one)"
        : $" (the file's profiles: {string.Join(", ", p.ProfileNames)})";

    /// <summary>The run's values of the swept keys its line does not already show (synthetic.rare.gap, train.lr), in sweep
    /// order: the run id holds them only as id text (1e-3 as 1e-3, a path's '/' as '-'), and a line without them read as if
    /// the sweep were of width and seed alone.</summary>
    static string OtherSwept(LoadedPipeline p, RunPlan run) => string.Concat(p.Swept
        .Where(k => k.Path is not { } path || !Shown(run.Spec.Experiment).Contains(path))
        .Select(k => run.Parameters.TryGetValue(k.Key, out var value) ? $", {k.Key} {value}" : ""));

    /// <summary>The fields a run's line says in words of its own: its model (synthetic width, OLMo preset), seed, steps, device.</summary>
    static string[] Shown(string experiment) => experiment switch
    {
        "olmo" => ["olmo.preset", "seed", "train.steps", "device"],
        "data" => ["seed", "train.steps", "device"],
        _ => ["synthetic.width", "seed", "train.steps", "device"],
    };

    /// <summary>What a run trains, in the terms of its experiment.</summary>
    static string Model(RunPlan run) => run.Spec.Experiment switch
    {
        "olmo" when run.Spec is { Olmo: { } o, Data: { } d } && (run.ModelVocab ?? (o.VocabSize > 0 ? o.VocabSize : null)) is { } vocab =>
            $"{Retention.Pipeline.OlmoRunGraph.ShapeLabel(o.Preset)}, {Retention.Pipeline.OlmoRunGraph.Shape(o, vocab, d.Packing.SeqLen).ParameterCount():N0} parameters",
        "olmo" => Retention.Pipeline.OlmoRunGraph.ShapeLabel(run.Spec.Olmo?.Preset ?? "4M"),
        "data" => "data stage only",
        _ => $"width {run.Spec.Synthetic.Width}",
    };
}
