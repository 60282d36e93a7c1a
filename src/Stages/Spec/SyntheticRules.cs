using static Retention.Spec.RuleText;

namespace Retention.Spec;

/// <summary>Rules on the synthetic section: the task layout, the spectrum and the rare task.</summary>
internal static class SyntheticRules
{
    private static readonly string[] Bases = ["identity", "random"];

    public static void Check(SpecChecks c, SyntheticSpec s)
    {
        c.AtLeast(s.Tasks, 1, "synthetic.tasks");
        c.AtLeast(s.DimsPerTask, 1, "synthetic.dims_per_task");
        if (c.AtLeast(s.Width, 1, "synthetic.width") && s.Tasks >= 1 && s.DimsPerTask >= 1)
            c.Check(s.Width <= ResourceEstimate.SyntheticInputDims(s), "synthetic.width",
                $"must be at most the input dimension D = {ResourceEstimate.SyntheticInputDims(s)} (tasks × dims_per_task{(s.Rare is null ? "" : ", plus the rare task's block")}), got {s.Width}");
        c.NonNegative(s.FrequencyExponent, "synthetic.frequency_exponent");
        c.NonNegative(s.SpectrumExponent, "synthetic.spectrum_exponent");
        c.Positive(s.SpectrumScale, "synthetic.spectrum_scale");
        c.OneOf(s.Basis, Bases, "synthetic.basis", "basis");
        if (c.AtLeast(s.FrequentTasks, 0, "synthetic.frequent_tasks"))
            c.Check(s.FrequentTasks <= s.Tasks, "synthetic.frequent_tasks",
                $"must be at most synthetic.tasks ({s.Tasks}), got {s.FrequentTasks}");
        if (s.Rare is { } r)
        {
            c.Check(r.Frequency is > 0 and <= 0.5, "synthetic.rare.frequency",
                $"must be in (0, 0.5] (a fraction of all samples), got {Show(r.Frequency)}");
            c.AtLeast(r.Gap, 1, "synthetic.rare.gap");
            c.Positive(r.Lambda, "synthetic.rare.lambda");
        }
    }
}
