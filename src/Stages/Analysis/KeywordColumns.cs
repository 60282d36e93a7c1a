using System.Text.RegularExpressions;

namespace Retention.Analysis;

/// <summary>
/// A run table's column named by a DuckDB keyword: `lambda` (utilities.arrow, rare.arrow) is reserved for lambda functions,
/// so written bare it is a syntax error at the next token ("syntax error at or near FROM") that names neither the column
/// nor the fix. A parser error of SQL that writes it bare says how to write it.
/// </summary>
public static partial class KeywordColumns
{
    public const string LambdaHint =
        "`lambda` (a column of utilities and rare) is a DuckDB keyword: write it in double quotes, \"lambda\", or qualified, u.lambda";

    /// <summary><paramref name="message"/> with <see cref="LambdaHint"/> after it where it is DuckDB's parser error for
    /// <paramref name="sql"/> and that SQL has a bare `lambda` that is not a lambda function's (`lambda x: ...`).</summary>
    public static string WithHint(string message, string sql) =>
        message.Contains("Parser Error", StringComparison.Ordinal) && BareLambda().IsMatch(sql) ? $"{message}\n{LambdaHint}" : message;

    // Not quoted, not part of a longer name or after a qualifier, and not followed by parameters and ':'.
    [GeneratedRegex(@"(?<![\w.""])lambda(?![\w""])(?!\s+[\w\s,()]*:)", RegexOptions.IgnoreCase)]
    private static partial Regex BareLambda();
}
