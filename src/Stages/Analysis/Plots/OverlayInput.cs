using Retention.Spec;

namespace Retention.Analysis.Plots;

/// <summary>An overlay's spec with its query result; <paramref name="Step"/> names it in errors ("plot 'p' overlay 1").</summary>
internal sealed record OverlayInput(OverlaySpec Spec, QueryResult Data, string Step);
