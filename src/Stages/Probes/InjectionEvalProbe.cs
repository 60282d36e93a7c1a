using Retention.Artifacts;
using Retention.Data;
using Retention.Training;

namespace Retention.Probes;

/// <summary>injection_eval.arrow: a gapped task's loss and accuracy on the first instances of its train split (the injected pool)
/// around injection k: phase "before" (after step kG − 1, steps_since −1), "after" (after step kG, 0) and
/// "between" (1, 2, 4, … steps after it).</summary>
public sealed record InjectionEvalRow(long Step, string Task, long Gap, long Injection, string Phase, long StepsSince,
    double Loss, double Accuracy, double LabelAccuracy);

/// <summary>
/// Injection retention (paper Fig 8): for each task with a gapped schedule (gap ≥ 8), the task's loss
/// on the first <c>instances</c> of its train split (the pool injections draw from) just before and after each injection and at the
/// dense steps after it, so "loss drop at an injection" and "how much of it survives to the next one"
/// are SQL away.
/// </summary>
public sealed class InjectionEvalProbe(IReadOnlyList<(InjectedTaskSpec Spec, TaskEvalSet Set)> tasks) : IModelStage
{
    public static readonly RecordBatchBuilder<InjectionEvalRow> Table = new RecordBatchBuilder<InjectionEvalRow>()
        .Int64("step", r => r.Step).Utf8("task", r => r.Task).Int64("gap", r => r.Gap).Int64("injection", r => r.Injection)
        .Utf8("phase", r => r.Phase).Int64("steps_since", r => r.StepsSince).Float64("loss", r => r.Loss)
        .Float64("accuracy", r => r.Accuracy).Float64("label_accuracy", r => r.LabelAccuracy);

    public string Name => "injection_eval";

    public IEnumerable<object> After(ModelView view)
    {
        foreach (var (spec, set) in tasks)
        {
            if (InjectionPhases.Phase(spec.Gap, view.Step) is not { } phase) continue;
            var score = OlmoEvaluator.Score(view.Model, set, view.Device, OlmoEvaluator.DefaultLogitBudget);
            yield return new InjectionEvalRow(view.Step, set.Task, spec.Gap, InjectionPhases.Injection(spec.Gap, view.Step), phase,
                InjectionPhases.StepsSince(spec.Gap, view.Step), score.Loss, score.Accuracy, score.LabelAccuracy);
        }
    }
}
