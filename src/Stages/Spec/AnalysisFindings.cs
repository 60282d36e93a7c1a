using YamlDotNet.RepresentationModel;

namespace Retention.Spec;

/// <summary>The analysis SQL and plot columns checked against the tables the runs will write (errors), and the swept
/// keys the analysis would mix (warnings: a shipped analysis run over a sweep it was not written for).</summary>
internal sealed record AnalysisFindings(IReadOnlyList<SpecError> Errors, IReadOnlyList<Analysis.SweptKeyWarning> Warnings)
{
    public static readonly AnalysisFindings None = new([], []);

    /// <param name="errorsSoFar">The binding and sweep errors of the document: an analysis over what they leave unknown
    /// is not checked, and one about an item they name is not said again.</param>
    public static AnalysisFindings Of(PipelineSpec spec, IReadOnlyList<SweptKey> swept, NodeIndex index,
        SourceMap sources, string yaml, Analysis.AnalysisCheckContext context, IReadOnlyList<SpecError> errorsSoFar, MendedPaths mended)
    {
        // The analysis is checked against the tables the runs will write: with the experiment unknown or in error, or the sweep in
        // error, those are not known, and its SQL errors would only contradict that error (no `metrics`, no swept column).
        bool tablesKnown = SpecValidator.IsExperiment(spec.Experiment)
            && !errorsSoFar.Any(e => SpecPaths.IsAtOrUnder(e.Path, "experiment") || SpecPaths.IsAtOrUnder(e.Path, "sweep"));
        if (!tablesKnown) return None;
        // A table or plot whose keys already failed to bind would only repeat that error in SQL terms.
        var bound = errorsSoFar.Select(e => e.Path).ToList();
        var (errors, warnings) = Check(spec, swept, index, sources, yaml, context);
        return new([.. LoadErrors.Unmended(errors, mended)
            .Where(e => !bound.Any(b => b.StartsWith("analysis.", StringComparison.Ordinal) && AnalysisItem(e.Path) == AnalysisItem(b)))], warnings);
    }

    private static (IReadOnlyList<SpecError> Errors, IReadOnlyList<Analysis.SweptKeyWarning> Warnings) Check(PipelineSpec spec,
        IReadOnlyList<SweptKey> swept, NodeIndex index, SourceMap sources, string yaml,
        Analysis.AnalysisCheckContext context)
    {
        if (!Artifacts.DuckDbLibrary.Available)
        {
            // DuckDB is not shipped here (a trimmed GPU publish); the analysis runs elsewhere. Its tables' columns are
            // unknown, so only the plots are looked at.
            return ([], [.. Analysis.SweptKeyCoverage.Check(spec.Analysis, spec.Sweep, new Dictionary<string, IReadOnlyList<string>>()),
                .. Analysis.SweptKeyCoverage.Advice(spec.Experiment, spec.Analysis, spec.Sweep)]);
        }
        var check = Analysis.AnalysisCheck.Run(Pipeline.RunTables.Of(spec, swept), spec.Analysis, context);
        var lines = yaml.Split('\n');
        return ([.. check.Problems.Select(p => AtSqlLine(index.ErrorAt(sources, p.Path, p.Message), p.InSql, index.Nearest(p.Path, out _), sources, lines))],
            [.. Analysis.SweptKeyCoverage.Check(spec.Analysis, spec.Sweep, check.TableColumns), .. Analysis.SweptKeyCoverage.Advice(spec.Experiment, spec.Analysis, spec.Sweep)]);
    }

    /// <summary>DuckDB numbers the SQL's lines ("LINE 3:", a caret under the culprit), and a literal block's lines
    /// (<c>sql: |</c>) are the file's lines after its indicator: the error then points at that line and column, not at
    /// the <c>sql:</c> value (as a step failing when it runs does, <see cref="AnalysisPositions"/>).</summary>
    private static SpecError AtSqlLine(SpecError error, Analysis.SqlErrorLine? inSql, YamlNode node, SourceMap sources, string[] fileLines)
    {
        if (inSql is null || error.Line == 0 || SqlDeclarations.Of(node, sources, fileLines) is not { } declared) return error;
        var (line, column) = declared.At(inSql);
        return error with { Line = line, Column = column };
    }

    /// <summary>"analysis.tables[2]" of "analysis.tables[2].sql".</summary>
    private static string AnalysisItem(string path)
    {
        var close = path.IndexOf(']');
        return close < 0 ? path : path[..(close + 1)];
    }
}
