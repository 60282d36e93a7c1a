using System.Text.RegularExpressions;

namespace Retention.Spec;

/// <summary>The shapes of names a spec accepts: the pipeline's, and identifiers (tables, plots, reference tasks).</summary>
internal static partial class SpecNames
{
    /// <summary>Whether <paramref name="name"/> can be the pipeline's name, which becomes a directory under artifacts/.</summary>
    public static bool IsPipelineName(string name) => NameRegex().IsMatch(name);

    /// <summary>Whether <paramref name="name"/> is an identifier: letters, digits and '_', not starting with a digit.</summary>
    public static bool IsIdentifier(string name) => IdentifierRegex().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NameRegex();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex IdentifierRegex();
}
