using System.CommandLine;
using System.CommandLine.Parsing;

namespace Retention.Host.Commands;

/// <summary>
/// A path given as "" (a shell variable left unset: `pipeline query "$SWEEP" ...`) is a usage error (exit 2) saying so: it
/// reached .NET as "The value cannot be an empty string." and exit 1 (query, analyze, status, --data-dir), and
/// `run --artifacts ""` wrote the sweep into the current folder.
/// </summary>
internal static class EmptyPaths
{
    /// <param name="what">What to give instead, e.g. "a sweep directory (artifacts/NAME[-PROFILE])".</param>
    public static Argument<T> NotEmpty<T>(this Argument<T> argument, string what)
    {
        argument.Validators.Add(r => Check(r, argument.Name.ToUpperInvariant().Replace('-', '_'), what));
        return argument;
    }

    public static Option<T> NotEmpty<T>(this Option<T> option, string what)
    {
        option.Validators.Add(r => Check(r, option.Name, what));
        return option;
    }

    static void Check(SymbolResult result, string name, string what)
    {
        if (result.Tokens.Any(t => t.Value.Length == 0))
            result.AddError($"{name} is an empty string (a shell variable not set?): give {what}");
    }
}
