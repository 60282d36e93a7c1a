using Apache.Arrow;
using Retention.Artifacts;
using Retention.Data;
using Retention.Models;
using Retention.Spec;
using Retention.Training;
using static TorchSharp.torch;

namespace Retention.Probes;

/// <summary>A probe of a run: its model stage, and how it adds its table to the run's tables.</summary>
public sealed record ConfiguredProbe(IModelStage Stage, string File, Action<TableSet, string, long?> AddTable);

/// <summary>The probes an OLMo run's <c>probes:</c> section asks for, each with its own table.</summary>
public static class OlmoProbes
{
    public const string DasFile = "das.arrow", FourierFile = "fourier.arrow", GradientsFile = "gradients.arrow", InjectionEvalFile = "injection_eval.arrow";

    /// <summary>The probe tables a run of <paramref name="spec"/> writes (name and schema), for checking the analysis before training.</summary>
    public static IEnumerable<(string Name, Schema Schema)> Tables(PipelineSpec spec)
    {
        if (spec.Probes is not { } p) yield break;
        if (p.Das is not null) yield return ("das", DasProbe.Table.Schema);
        if (p.Fourier is not null) yield return ("fourier", FourierProbe.Table.Schema);
        if (p.Gradients is not null) yield return ("gradients", GradientProbe.Table.Schema);
        if (p.InjectionEval is not null) yield return ("injection_eval", InjectionEvalProbe.Table.Schema);
    }

    /// <summary>The model a run of <paramref name="spec"/> started from (its seed's initialisation), on the CPU.</summary>
    public static OlmoModel InitialModel(PipelineSpec spec, OlmoConfig config) => new(config, new Generator((ulong)spec.Seed));

    /// <param name="initialModel">Lends the Fourier readout the initial model for its reference shares (default: built from
    /// the seed when needed, then released); a site scan shares one across its sites.</param>
    public static IReadOnlyList<ConfiguredProbe> Build(PipelineSpec spec, TextTokenizer tokenizer, OlmoConfig config,
        Func<ModelLease>? initialModel = null)
    {
        if (spec.Probes is not { } p || spec.Data is not { } data) return [];
        var tasks = data.Tasks.Select(t => (Spec: t, Task: InjectedTask.Create(t))).ToList();
        var vocabulary = TaskVocabulary.Build([.. tasks.Select(t => (t.Spec, t.Task))], tokenizer.VocabSize, tokenizer.EosId);
        TaskTokens TokensOf(InjectedTask task) => vocabulary.For(task.Name);
        (InjectedTaskSpec Spec, InjectedTask Task) Find(string name, string? kind) => All(name, kind).First();
        IEnumerable<(InjectedTaskSpec Spec, InjectedTask Task)> All(string name, string? kind) =>
            tasks.Where(t => (kind is null || t.Spec.Kind == kind) && (name.Length == 0 || t.Task.Name == name));
        long every = p.Every, last = spec.Train.Steps;
        int eos = tokenizer.EosId;
        var probes = new List<ConfiguredProbe>();
        // Several probes may share a table (DAS of each comparison task): it is added once.
        void Add<T>(IModelStage stage, string file, RecordBatchBuilder<T> table) =>
            probes.Add(new ConfiguredProbe(stage, file, probes.Any(q => q.File == file)
                ? (_, _, _) => { }
                : (set, dir, keep) => set.Add(Path.Combine(dir, file), table, keep)));

        if (p.Das is { } das)
            foreach (var (_, task) in All(das.Task, ComparisonTask.KindName))
                Add(new DasProbe(das, every, last, (ComparisonTask)task, TokensOf(task), eos), DasFile, DasProbe.Table);
        if (p.Fourier is { } fourier)
            foreach (var (_, task) in All(fourier.Task, ModularAdditionTask.KindName))
                Add(new FourierProbe(fourier, every, last, (ModularAdditionTask)task, TokensOf(task), eos,
                    initialModel ?? (() => new ModelLease(InitialModel(spec, config), Owned: true))), FourierFile, FourierProbe.Table);
        if (p.Gradients is { } gradients)
        {
            var (taskSpec, task) = Find(gradients.Task, null);
            Add(new GradientProbe(gradients, every, last, taskSpec, task, TokensOf(task), eos, Math.Max(spec.Olmo!.GradAccumulation, 1)),
                GradientsFile, GradientProbe.Table);
        }
        if (p.InjectionEval is { } eval)
        {
            var gapped = tasks.Where(t => t.Spec.Gap >= InjectionPhases.MinDenseGap)
                .Select(t => (t.Spec, OlmoEvaluator.First(TaskEvalSet.Create(t.Task, TokensOf(t.Task), eos, TaskEvalSet.TrainSplit), eval.Instances)))
                .ToList();
            Add(new InjectionEvalProbe(gapped), InjectionEvalFile, InjectionEvalProbe.Table);
        }
        return probes;
    }
}
