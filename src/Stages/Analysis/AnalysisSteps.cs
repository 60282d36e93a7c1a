namespace Retention.Analysis;

/// <summary>
/// How an error names the analysis step it failed in. One place, because the loader looks up where a step is
/// declared by the same name the runner and the plot renderer put on its <see cref="AnalysisException"/>.
/// </summary>
public static class AnalysisSteps
{
    public static string Table(string name) => $"analysis table '{name}'";

    public static string Plot(string name) => $"plot '{name}'";

    /// <param name="index">0-based, as in the spec; the name counts from 1 ("plot 'p' overlay 1").</param>
    public static string Overlay(string plotName, int index) => $"{Plot(plotName)} overlay {index + 1}";
}
