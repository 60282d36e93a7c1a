using Retention.Analysis;

namespace Retention.Spec;

/// <summary>
/// Where the analysis section's tables, plots and overlays are declared, found once while the document's tree is at
/// hand, so a step that fails when it runs (after training, or in `analyze`) can say where to fix it without the runner
/// holding YAML nodes.
/// </summary>
internal static class AnalysisPositions
{
    /// <summary>Step name → where its <c>sql:</c> value is (the entry, where there is no sql value), and for a literal
    /// block where its lines are. The source map follows each node to where it was written: a profile's entry is found in
    /// the profile, and an entry a --set brought has no position and is left out (its failure keeps the plain message).</summary>
    /// <param name="fileLines">The file's text, whose lines a literal block's are checked against.</param>
    public static IReadOnlyDictionary<string, SqlDeclaration> Of(AnalysisSpec analysis, NodeIndex index, SourceMap sources, IReadOnlyList<string> fileLines)
    {
        var positions = new Dictionary<string, SqlDeclaration?>();
        void Add(string step, string path)
        {
            var node = index.At($"{path}.sql") ?? index.At(path);
            // Validation refuses two steps of one name; were there two, neither position would be sure to be the failing one's.
            positions[step] = positions.ContainsKey(step) || node is null ? null : SqlDeclarations.Of(node, sources, fileLines);
        }
        for (var i = 0; i < analysis.Tables.Count; i++)
            Add(AnalysisSteps.Table(analysis.Tables[i].Name), $"analysis.tables[{i}]");
        for (var i = 0; i < analysis.Plots.Count; i++)
        {
            Add(AnalysisSteps.Plot(analysis.Plots[i].Name), $"analysis.plots[{i}]");
            for (var j = 0; j < analysis.Plots[i].Overlays.Count; j++)
                Add(AnalysisSteps.Overlay(analysis.Plots[i].Name, j), $"analysis.plots[{i}].overlays[{j}]");
        }
        return positions.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!);
    }
}
