using System.Globalization;

namespace Retention.Probes;

/// <summary>
/// Whether the model does the task DAS probes. IIA measures how well a subspace carries the causal variable
/// the model uses to answer; a model that does not answer (base accuracy at chance) uses none, and its IIA
/// says nothing about one. Chance is the share of the most common base label among the pairs: what a model
/// that ignores its input can score (1/C for C label tokens when the labels are balanced, as the comparison
/// task's nearly are). The warning comes below half-way from chance to a perfect score, chance + (1 − chance)/2
/// (75% for two balanced labels): a model that closes less than half the gap gets most base inputs right by
/// luck or bias, and an intervention's effect on its argmax mixes the variable with that noise.
/// </summary>
public static class DasBaseCheck
{
    /// <summary>The share of the most common label in <paramref name="baseLabels"/> (0 when there are none).</summary>
    public static double Chance(IReadOnlyCollection<long> baseLabels) =>
        baseLabels.Count == 0 ? 0 : (double)baseLabels.GroupBy(l => l).Max(g => g.Count()) / baseLabels.Count;

    /// <summary>The base accuracy below which IIA is not read as evidence: half-way from chance to 1.</summary>
    public static double Threshold(double chance) => chance + (1 - chance) / 2;

    /// <summary>The warning for DAS at <paramref name="step"/> on <paramref name="task"/>, or null when the model answers
    /// enough base inputs right (or none was scored: NaN).</summary>
    public static string? Warning(long step, string task, double baseAccuracy, double chance) => Check(step, task, baseAccuracy, chance)?.Text();

    /// <summary>As <see cref="Warning"/>, kept as its numbers, so that a scan can name the sites it holds at.</summary>
    public static DasWarning? Check(long step, string task, double baseAccuracy, double chance) =>
        baseAccuracy < Threshold(chance) ? new DasWarning(step, task, baseAccuracy, chance) : null;
}

/// <summary>DAS's word that the model does not do the task it probes, at one probe step (<see cref="DasBaseCheck"/>).</summary>
public sealed record DasWarning(long Step, string Task, double BaseAccuracy, double Chance)
{
    /// <param name="sites">Where the model was probed ("tok1, layers 0–2"), for a scan of several sites; null: not named.</param>
    public string Text(string? sites = null) => string.Create(CultureInfo.InvariantCulture,
        $"DAS at step {Step} ({Task}{(sites is null ? "" : $"; {sites}")}): the model answers only {100 * BaseAccuracy:F0}% of the base inputs right " +
        $"(chance {100 * Chance:F0}%, trusted from {100 * DasBaseCheck.Threshold(Chance):F0}%): IIA there says little about the task's causal variable");
}
