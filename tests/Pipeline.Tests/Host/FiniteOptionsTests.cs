using System.CommandLine;
using Retention.Host;

namespace Retention.Tests.Host;

/// <summary>
/// Every number option of every command refuses NaN and ±Infinity as it is parsed (a usage error, exit 2), found by
/// walking the command tree so an option added later is covered too; a finite value still parses.
/// </summary>
public class FiniteOptionsTests
{
    /// <summary>Each option of a double type with the command words that reach it.</summary>
    static IEnumerable<(string[] Path, Option Option)> NumberOptions(Command command, string[] path)
    {
        foreach (var option in command.Options.Where(o => o.ValueType == typeof(double) || o.ValueType == typeof(double?)))
            yield return (path, option);
        foreach (var sub in command.Subcommands)
            foreach (var found in NumberOptions(sub, [.. path, sub.Name]))
                yield return found;
    }

    [Fact]
    public void No_number_option_takes_nan_or_infinity()
    {
        var options = NumberOptions(Cli.Build(), []).ToList();
        // The four there are today: a walk that found none would prove nothing.
        Assert.Equal(["advise --frequency", "advise --target-accuracy", "bench data --task-frequency", "bench parity --tolerance"],
            options.Select(o => $"{string.Join(' ', o.Path)} {o.Option.Name}").Order(StringComparer.Ordinal));
        foreach (var (path, option) in options)
        {
            foreach (var bad in new[] { "nan", "NaN", "Infinity", "-Infinity", "∞" })
            {
                var parse = Cli.Build().Parse([.. path, option.Name, bad]);
                Assert.Contains(parse.Errors, e => e.Message.StartsWith($"{option.Name} takes a finite number", StringComparison.Ordinal)
                    || e.Message.Contains($"'{bad}'", StringComparison.Ordinal));   // what System.CommandLine cannot read as a number at all
            }
            var good = Cli.Build().Parse([.. path, option.Name, "0.001"]);
            Assert.DoesNotContain(good.Errors, e => e.Message.Contains(option.Name, StringComparison.Ordinal));
        }
    }
}
