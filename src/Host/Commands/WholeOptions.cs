using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Runtime.CompilerServices;
using Retention.Messages;

namespace Retention.Host.Commands;

/// <summary>
/// The least value a whole-number option takes, stated once: refused when parsed (a usage error, exit 2), and what
/// <see cref="UsageErrors"/> says the option takes when its value is no number at all (`query --rows abc`: "a whole number
/// ≥ 0", not the range of a .NET int).
/// </summary>
internal static class WholeOptions
{
    static readonly ConditionalWeakTable<Option, LeastValue> Minimums = new();

    public static Option<int> AtLeast(this Option<int> option, int min, string? meaning = null) => Add(option, new LeastValue(min, meaning));

    public static Option<long> AtLeast(this Option<long> option, long min, string? meaning = null) => Add(option, new LeastValue(min, meaning));

    /// <summary>A least value stated where the option's values are used too (<see cref="Retention.Cluster.SlurmResources"/>).</summary>
    public static Option<int> AtLeast(this Option<int> option, LeastValue least) => Add(option, least);

    /// <summary>The least value <paramref name="option"/> takes (and the greatest, where it states one); null where none was stated.</summary>
    public static LeastValue? BoundsOf(Option option) => Minimums.TryGetValue(option, out var least) ? least : null;

    /// <param name="least">The least value and what it means, said with the refusal ("0 = every core").</param>
    static Option<T> Add<T>(Option<T> option, LeastValue least)
    {
        Minimums.AddOrUpdate(option, least);
        option.Validators.Add(r => Check(r, option.Name, least));
        return option;
    }

    /// <summary>Reads the tokens themselves, as <see cref="FiniteOptions"/> does: a value that is no number is System.CommandLine's
    /// error (said in words by <see cref="UsageErrors"/>), and the validator runs either way.</summary>
    static void Check(OptionResult result, string name, LeastValue least)
    {
        foreach (var token in result.Tokens)
            if (long.TryParse(token.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && least.Refusal(name, v) is { } refusal)
                result.AddError(refusal);
    }
}
