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
    public static IEnumerable<string> Of(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var options = command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal))
            .Select(n => n[2..]).Distinct().ToList();
        bool takesSet = options.Contains("set");
        bool afterUnknownOption = false;
        foreach (var error in parse.Errors)
        {
            if (Unrecognized().Match(error.Message) is { Success: true } m)
            {
                var token = m.Groups[1].Value;
                if (token.StartsWith("--", StringComparison.Ordinal))
                {
                    afterUnknownOption = true;
                    var name = token[2..].Split('=')[0];
                    yield return KeySuggestions.Closest(name, options) is { } meant ? $"{error.Message} Did you mean '--{meant}'?"
                        : takesSet ? $"{error.Message} A spec value is set with --set (`--set train.steps=500`)."
                        : error.Message;
                    continue;
                }
                if (afterUnknownOption && !token.StartsWith('-')) { afterUnknownOption = false; continue; }
            }
            afterUnknownOption = false;
            yield return error.Message;
        }
    }

    [GeneratedRegex(@"^Unrecognized command or argument '(.*)'\.$")]
    private static partial Regex Unrecognized();
}
