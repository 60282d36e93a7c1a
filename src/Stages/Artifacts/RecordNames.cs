using System.Globalization;
using System.Text.RegularExpressions;

namespace Retention.Artifacts;

/// <summary>
/// How a record named by the second it was made in is named: &lt;kind&gt;[-&lt;detail&gt;]-&lt;yyyyMMdd-HHmmss&gt;, with -2, -3, ...
/// after it for one made in the same second as another (<see cref="FreeName"/>): `bench synthetic`'s synthetic-20261203-071827,
/// `bench train`'s train-4M-20261203-071827. Spelled here once, for the writer and for the catalog that queries the records
/// of one kind together (<see cref="RecordViews"/>).
/// </summary>
public static partial class RecordNames
{
    /// <param name="name">The kind, with any detail after a hyphen (train-4M).</param>
    public static string Stem(string name, DateTime utc) =>
        $"{name}-{utc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}";

    /// <summary>The kind of the record <paramref name="stem"/> names (train for train-4M-20261203-071827), or null where the
    /// stem is not a record's name.</summary>
    public static string? KindOf(string stem) => Record().Match(stem) is { Success: true } m ? m.Groups["kind"].Value : null;

    [GeneratedRegex(@"^(?<kind>[A-Za-z][A-Za-z0-9_]*)(?:-.+?)?-[0-9]{8}-[0-9]{6}(?:-[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Record();
}
