namespace Retention.Analysis;

/// <summary>When the analysis is checked: said after each error it finds, so the words fit the command (nothing
/// trains under validate or analyze).</summary>
public enum AnalysisCheckMoment
{
    /// <summary>run and submit: the check that stands between the file and the training.</summary>
    BeforeTraining,
    /// <summary>validate: the same check, with no training to follow.</summary>
    Validation,
    /// <summary>analyze: over runs already trained, before their tables are read.</summary>
    BeforeAnalysis,
}

/// <summary>A sweep key a --set removed (the set value wins, README "The YAML format"): <paramref name="Path"/> as the
/// sweep named it (synthetic.width), <paramref name="Column"/> the swept.arrow column it would have had (width), and
/// <paramref name="Value"/> the value every run now has, as written (null where it is no scalar).</summary>
public sealed record RemovedSweepKey(string Path, string Column, string? Value);

/// <summary>What the analysis check knows of how it was asked: when, and which sweep keys a --set removed (an
/// analysis written for the sweep may still read them from swept.arrow).</summary>
public sealed record AnalysisCheckContext(AnalysisCheckMoment Moment, IReadOnlyList<RemovedSweepKey> RemovedSweepKeys)
{
    public static readonly AnalysisCheckContext BeforeTraining = new(AnalysisCheckMoment.BeforeTraining, []);

    /// <summary>The sweep's pipeline.yaml where the file checked is one of its runs' run.yaml: one run, no sweep, so its
    /// run writes no swept table, which the sweep's analysis may read.</summary>
    public string? SweepOfRunFile { get; init; }

    /// <summary>The parenthesis after each error: what the SQL was checked against, and when.</summary>
    public string Note => Moment switch
    {
        AnalysisCheckMoment.Validation => "(checked against the tables the runs will write)",
        AnalysisCheckMoment.BeforeAnalysis => "(checked against the tables runs write, before the sweep's files are read)",
        _ => "(checked against the tables the runs will write, before training)",
    };
}
