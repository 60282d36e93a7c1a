using System.CommandLine;
using System.CommandLine.Parsing;

namespace Retention.Host.Commands;

/// <summary>
/// Every number option of the CLI refuses NaN and ±Infinity when it is parsed (a usage error, exit 2): .NET reads
/// "nan" and "Infinity" as doubles, and a range check written as <c>x is &lt;= 0 or &gt; 1</c> lets NaN through
/// (`advise --target-accuracy nan` once wrote nonsense tables). The commands' own range checks follow.
/// </summary>
internal static class FiniteOptions
{
    public static Option<double> Finite(this Option<double> option)
    {
        option.Validators.Add(r => Check(r, option.Name));
        return option;
    }

    public static Option<double?> Finite(this Option<double?> option)
    {
        option.Validators.Add(r => Check(r, option.Name));
        return option;
    }

    /// <summary>Reads the token itself: the option's value cannot be asked for when it is no number at all (System.CommandLine
    /// reports that one), and the validator runs either way.</summary>
    static void Check(OptionResult result, string name)
    {
        foreach (var token in result.Tokens)
            if (double.TryParse(token.Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)
                && !double.IsFinite(v))
                result.AddError($"{name} takes a finite number, got {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
    }
}
