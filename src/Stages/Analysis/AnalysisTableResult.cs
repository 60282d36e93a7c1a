namespace Retention.Analysis;

/// <summary>One analysis table after a run: its rows, where they were written, and whether the spec asks to print them.</summary>
public sealed record AnalysisTableResult(string Name, QueryResult Result, string ArrowPath, bool Print);
