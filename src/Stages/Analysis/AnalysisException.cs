namespace Retention.Analysis;

/// <summary>
/// An analysis step that failed; the message starts with the step ("analysis table 'final_loss'",
/// "plot 'retention' overlay 1") followed by the cause, e.g. DuckDB's own error message. When it is known where
/// the step is declared, the message starts with that, as `validate` writes positions
/// ("p.yaml:12:12: analysis table 'final_loss': ..."), so an editor can jump to it.
/// </summary>
public sealed class AnalysisException : Exception
{
    public AnalysisException(string step, string message, Exception? inner = null, string? declaredAt = null)
        : this(step, message, inner, declaredAt, $"{step}: {message}") { }

    private AnalysisException(string step, string cause, Exception? inner, string? declaredAt, string withoutPositions)
        : base(declaredAt is null ? $"{step}: {cause}" : $"{declaredAt}: {step}: {cause}", inner)
    {
        Step = step;
        Cause = cause;
        DeclaredAt = declaredAt;
        WithoutPositions = withoutPositions;
    }

    public string Step { get; }

    /// <summary>The message without the step.</summary>
    public string Cause { get; }

    /// <summary>"file:line:column" of the step's entry in the pipeline file (its <c>sql:</c> value, or the line in it DuckDB
    /// placed the error at); null when not known.</summary>
    public string? DeclaredAt { get; }

    /// <summary>The failed steps a <see cref="Combined"/> failure is made of, each with its own position; empty for one step.</summary>
    public IReadOnlyList<AnalysisException> Parts { get; private init; } = [];

    /// <summary>Where in the step's SQL, as written, DuckDB placed the error; null where it placed none.</summary>
    public SqlErrorLine? InSql { get; init; }

    /// <summary>The message with no file positions in it, for the sweep's recorded outcome: `status` prints that later,
    /// maybe from another folder, where a path relative to where the command ran would mislead (the outcome keeps
    /// <see cref="DeclaredAt"/> apart, its file absolute).</summary>
    public string WithoutPositions { get; }

    /// <summary>The same failure said where its step is declared; itself when that is not known.</summary>
    public AnalysisException At(string? declaredAt) =>
        declaredAt is null ? this : new AnalysisException(Step, Cause, InnerException, declaredAt, WithoutPositions) { InSql = InSql, Parts = Parts, Written = Written };

    /// <summary>The tables the analysis wrote before it failed (the failure says they were written), in order; the
    /// command prints those the spec asks to print, as it would have after a success.</summary>
    public IReadOnlyList<AnalysisTableResult> Written { get; init; } = [];

    /// <summary>The same failure, after <paramref name="written"/> were written.</summary>
    public AnalysisException After(IReadOnlyList<AnalysisTableResult> written) =>
        new(Step, Cause, InnerException, DeclaredAt, WithoutPositions) { InSql = InSql, Parts = Parts, Written = [.. written] };

    /// <summary>The same failure said where <paramref name="declaration"/> places it: at DuckDB's line of the SQL where
    /// that is the file's; itself when the declaration is not known.</summary>
    public AnalysisException At(SqlDeclaration? declaration) => At(declaration?.Where(InSql));

    /// <summary>Several failed steps as one (the plots that failed), each part said with its own position.</summary>
    /// <param name="note">Appended after the parts, e.g. " (the other plots and the tables were written)", or empty.</param>
    public static AnalysisException Combined(string step, IReadOnlyList<AnalysisException> parts, string note) =>
        new(step, string.Join("; ", parts.Select(p => p.Message)) + note, parts[0], null,
            $"{step}: {string.Join("; ", parts.Select(p => p.WithoutPositions))}{note}") { Parts = parts };
}
