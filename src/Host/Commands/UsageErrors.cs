using System.CommandLine;
using System.Text.RegularExpressions;
using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// What System.CommandLine could not parse, said as a user needs it: an unknown option with the option of the command it
/// most likely meant (or, where the command takes --set, how a spec value is set), and no second error for the value
/// written after it (`--stpes 5`: '5' is not a mistake of its own).
/// </summary>
public static partial class UsageErrors
{
    /// <summary>Every usage error, in order; empty when the command line is fine.</summary>
    public static IReadOnlyList<string> Of(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var options = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Select(n => n[2..]).Distinct().ToList();
        bool takesSet = options.Contains("set");
        string Unknown(string message, string token) =>
            ElsewhereHint(command.Name, token[2..].Split('=')[0]) is { } elsewhere ? $"{message} {elsewhere}"
            : KeySuggestions.Closest(token[2..].Split('=')[0], options) is { } meant ? $"{message} Did you mean '--{meant}'?"
            : takesSet ? $"{message} A spec value is set with --set (`--set train.steps=500`)."
            : message;
        // A word where a group (pipeline, bench, data) wants its command: `pipeline analyse` is said with the command meant,
        // or the commands there, and not also as "Required command was not provided" (it was, misspelt), nor the words after
        // it (`analyse SWEEP`: the misspelt command's arguments).
        var commands = command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name).ToList();
        bool UnknownCommand(string message) => commands.Count > 0 && Unrecognized().Match(message) is { Success: true } m && !m.Groups[1].Value.StartsWith('-');
        bool misspeltCommand = parse.Errors.Any(e => UnknownCommand(e.Message));
        bool saidCommand = false;
        var errors = new List<string>();
        // An unknown option where the command takes an argument is parsed as that argument, without an error of its own:
        // `run --resum` looked for a file '--resum', `query DIR --ouptut x.csv` ran '--ouptut' as SQL (a comment).
        bool afterUnknownOption = false;
        foreach (var token in parse.CommandResult.Children.OfType<System.CommandLine.Parsing.ArgumentResult>()
                     .SelectMany(a => a.Tokens).Select(t => t.Value).Where(v => OptionLike().IsMatch(v)))
        {
            errors.Add(Unknown($"Unrecognized command or argument '{token}'.", token));
            afterUnknownOption = true;
        }
        foreach (var error in parse.Errors)
        {
            if (misspeltCommand && error.Message == "Required command was not provided.") continue;
            if (!afterUnknownOption && UnknownCommand(error.Message))
            {
                if (saidCommand) continue;
                saidCommand = true;
                var word = Unrecognized().Match(error.Message).Groups[1].Value;
                errors.Add(KeySuggestions.Closest(word, commands) is { } meant ? $"{error.Message} Did you mean '{meant}'?"
                    : $"{error.Message} Commands: {string.Join(", ", commands)}.");
                continue;
            }
            if (Unrecognized().Match(error.Message) is { Success: true } m)
            {
                var token = m.Groups[1].Value;
                if (token.StartsWith("--", StringComparison.Ordinal))
                {
                    afterUnknownOption = true;
                    errors.Add(Unknown(error.Message, token));
                    continue;
                }
                // The value written after an unknown option is not a mistake of its own.
                if (afterUnknownOption && !token.StartsWith('-')) { afterUnknownOption = false; continue; }
            }
            afterUnknownOption = false;
            errors.Add(InUserTerms(error.Message, command));
        }
        return errors;
    }

    /// <summary>An option a user brings from other tools to a command that does its job elsewhere: `run --dry-run` was told
    /// "a spec value is set with --set", though `validate` is run's dry run (submit's own --dry-run prints a submission).</summary>
    static string? ElsewhereHint(string command, string option) => (command, option) switch
    {
        ("run", "dry-run") => "`pipeline run` has no --dry-run: `pipeline validate` with the same file, --profile and --set checks " +
                              "the pipeline and lists the runs it would train, writing nothing (`pipeline submit --slurm --dry-run` " +
                              "prints a Slurm submission without submitting it).",
        _ => null,
    };

    /// <summary>A value System.CommandLine cannot read as the option's type, said with what the option takes rather than as a .NET
    /// type ("as expected type 'System.Int32'"). A whole number out of the type's range is said with the range (`--docs-per-shard
    /// 3000000000` is a whole number, only too large), from the option's least value where it states one (<see cref="WholeOptions"/>);
    /// any other value is said without the range (`query --rows abc`: "a whole number ≥ 0", not the span of a .NET int). An optional
    /// option's type is the same in a Nullable ('System.Nullable`1[System.Int64]': advise --size).</summary>
    static string InUserTerms(string message, Command command)
    {
        if (CannotParse().Match(message) is not { Success: true } m) return message;
        var (token, name) = (m.Groups[1].Value, m.Groups[2].Value);
        var bounds = command.Options.FirstOrDefault(o => o.Name == name || o.Aliases.Contains(name)) is { } option ? WholeOptions.BoundsOf(option) : null;
        var min = bounds?.Least;
        // An option bounded above (--signal-lead) says both bounds, as its refusal does, whatever the type could hold.
        string Whole(long least, long most, string example) =>
            WholeNumber().IsMatch(token) || bounds?.Most is not null ? $"a whole number from {Math.Max(least, min ?? least):N0} to {Math.Min(most, bounds?.Most ?? most):N0}"
            : $"a whole number{(min is { } at ? $" ≥ {at}" : "")} (digits only{example})";
        var takes = NullableOf().Replace(m.Groups[3].Value, "$1") switch
        {
            "System.Int32" => Whole(int.MinValue, int.MaxValue, ""),
            "System.Int64" => Whole(long.MinValue, long.MaxValue, ", such as 100000000"),
            "System.Double" or "System.Single" => "a number (such as 0.001)",
            "System.Boolean" => "true or false",
            _ => null,
        };
        return takes is null ? message : $"Cannot parse argument '{token}' for option '{name}': it takes {takes}.";
    }

    /// <summary>Digits with an optional sign: a whole number, of any size.</summary>
    [GeneratedRegex(@"^[+-]?[0-9]+$")]
    private static partial Regex WholeNumber();

    [GeneratedRegex(@"^Cannot parse argument '(.*)' for option '(.*)' as expected type '(.*)'\.$")]
    private static partial Regex CannotParse();

    [GeneratedRegex(@"^System\.Nullable`1\[(.*)\]$")]
    private static partial Regex NullableOf();

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.$")]
    private static partial Regex Unrecognized();

    /// <summary>A token only an option would be: '--' and a name (a file is rarely named so; such SQL is a comment).</summary>
    [GeneratedRegex(@"^--[A-Za-z][A-Za-z0-9-]*(=.*)?$")]
    private static partial Regex OptionLike();
}
