using System.CommandLine;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>The arguments shared by `run`, `validate` and `submit` (and others): which file, profile and overrides.</summary>
public sealed class PipelineOptions
{
    public readonly Argument<string?> File;

    /// <param name="fileNeeded">What the file must hold, when the embedded default does not hold it (bench probes: a
    /// probes: section): the file is then required, and this says what it is; null: the file may be omitted.</param>
    public PipelineOptions(string? fileNeeded = null) => File = new Argument<string?>("file")
    {
        Description = fileNeeded ?? "Pipeline YAML file. Omitted: the embedded default (synthetic-capacity.yaml, profile cpu).",
        Arity = fileNeeded is null ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne,
    }.NotEmpty(fileNeeded is null ? "a pipeline file, or leave FILE out for the embedded default" : "a pipeline file");
    public readonly Option<string?> Profile = new("--profile", "-p") { Description = "Named profile of the file to apply (e.g. cpu, gpu)." };
    public readonly Option<string[]> Set = new("--set", "-s")
    {
        Description = "Override a field: --set train.steps=500 (repeatable; YAML values, e.g. --set sweep.seed=[0,1]).",
        AllowMultipleArgumentsPerToken = false,
    };
    public readonly Option<string?> Device = new("--device", "-d") { Description = "cpu | cuda | cuda:N | auto (same as --set device=...)." };
    public readonly Option<string?> DataDir = new Option<string?>("--data-dir")
    {
        Description = "What relative data and tokenizer paths in the file resolve against (default: the pipeline file's folder; the current directory for the embedded default).",
    }.NotEmpty("a folder, or leave --data-dir out for the pipeline file's own");

    public void AddTo(Command c)
    {
        c.Arguments.Add(File);
        c.Options.Add(Profile);
        c.Options.Add(Set);
        c.Options.Add(Device);
        c.Options.Add(DataDir);
    }

    /// <summary>The text <see cref="Load"/> last read from the file (null: none read, or the embedded default): the profile
    /// note is found in it, as a file read again may be empty (a pipe, `run <(...)`) or changed since.</summary>
    string? readText;

    /// <summary>After a spec error, the notes on where it lies. The built-in default's errors say it is built in and how to get a
    /// copy to edit (<see cref="EmbeddedDefault.NoteAfter"/>). A file read without --profile that defines profiles: a note naming
    /// them: the shipped OLMo files' own settings read Dolma, and `validate pipelines/olmo-task-vs-lm.yaml` said only to
    /// download its URL list, not that `--profile cpu` reads the Brown corpus.</summary>
    public void NotesAfter(ParseResult r, Exception e)
    {
        if (EmbeddedDefault.NoteAfter(e) is { } builtIn) Console.Error.WriteLine($"note: {builtIn}");
        // Errors that are all a profile's say so each (with --profile X): the file's own settings were not what failed.
        if (e is not SpecException spec || spec.Errors.All(x => x.IsOfAProfile) || r.GetValue(Profile) is not null || r.GetValue(File) is not { } file) return;
        if (readText is { } text && SpecLoader.ProfileNames(text, file) is { Count: > 0 } names)
            Console.Error.WriteLine($"note: {file} was read without a profile; it defines {string.Join(", ", names)} (--profile NAME selects one)");
    }

    /// <summary>Loads the file (or the embedded default) with the profile and overrides, checking
    /// everything that can be checked before any work: the data and tokenizer paths exist, and (unless
    /// the analysis will not run) the analysis SQL fits the tables the runs will write.</summary>
    /// <param name="checkOtherProfiles">Also check the profiles not selected (see SpecLoader.Load).</param>
    /// <param name="analysisMoment">Which command checks the analysis (its errors say when they were found).</param>
    /// <param name="memory">What CPU runs' memory is checked against: null, this machine's (the runs train here); see
    /// <paramref name="checkResources"/>.</param>
    /// <param name="checkResources">Check CPU runs' memory at all (off where the machine the runs train on is not known).</param>
    /// <param name="beforeMemoryRefusal">See <see cref="SpecLoader.Load"/>: asked before a file whose only errors are memory
    /// ones is refused for them.</param>
    /// <param name="notTrained">See <see cref="SpecLoader.Load"/>: the runs the command will not train, not refused for their memory.</param>
    public LoadedPipeline Load(ParseResult r, bool checkAnalysis = true, bool checkOtherProfiles = false,
        Retention.Analysis.AnalysisCheckMoment analysisMoment = Retention.Analysis.AnalysisCheckMoment.BeforeTraining,
        MemoryBudget? memory = null, bool checkResources = true, Action<LoadedPipeline>? beforeMemoryRefusal = null,
        Func<LoadedPipeline, IReadOnlySet<string>>? notTrained = null)
    {
        var device = r.GetValue(Device) is { } name ? new OptionSet("--device", "device", name) : null;
        var file = r.GetValue(File);
        var dataDir = r.GetValue(DataDir) is { } d ? Path.GetFullPath(d) : null;
        // A file named where the folder goes (a shard, the URL list) is there: "does not exist" would send the user looking for it.
        if (dataDir is not null && System.IO.File.Exists(dataDir))
            throw new UsageException($"--data-dir '{dataDir}' is a file, not a folder: give the folder the pipeline's relative data paths " +
                $"resolve against (the file lies in {Path.GetDirectoryName(dataDir)})");
        if (dataDir is not null && !Directory.Exists(dataDir)) throw new UsageException($"--data-dir '{dataDir}' does not exist");
        readText = null;   // a file that cannot be read has no profiles to name
        var text = readText = file is null ? null : SpecLoader.ReadFile(file);   // read once: the load is given the text
        var pipeline = OptionSet.Load(r.GetValue(Set) ?? [], [device], sets => file is not null
            ? SpecLoader.Load(file, r.GetValue(Profile), sets, checkAnalysis, dataDir, checkPaths: true, checkOtherProfiles: checkOtherProfiles,
                analysisMoment: analysisMoment, checkResources: checkResources, memory: memory, beforeMemoryRefusal: beforeMemoryRefusal, text: text, notTrained: notTrained)
            : SpecLoader.LoadText(EmbeddedDefault.Yaml, EmbeddedDefault.Source, r.GetValue(Profile) ?? EmbeddedDefault.Profile, sets,
                checkAnalysis, dataDir, checkPaths: true, checkResources: checkResources, checkOtherProfiles: checkOtherProfiles,
                analysisMoment: analysisMoment, memory: memory, beforeMemoryRefusal: beforeMemoryRefusal, notTrained: notTrained));
        foreach (var note in pipeline.SetNotes) Console.Error.WriteLine($"note: {note}");
        return pipeline;
    }
}
