using Retention.Spec;

namespace Retention.Host.Commands;

/// <summary>
/// An option that stands for a --set (<c>--device D</c> is <c>--set device=D</c>): the override it adds, and the
/// load's errors about that override told in the option's terms, since the user typed the option, not the --set.
/// </summary>
public sealed record OptionSet(string Option, string Path, string Value)
{
    public string Assignment => $"{Path}={Value}";

    /// <summary>Calls <paramref name="load"/> with <paramref name="sets"/> and then the options' overrides; an error whose
    /// source is an option's override names the option and its value instead (<c>--device tpu: unknown device 'tpu'</c>).
    /// An override the user also wrote as a --set keeps the --set's name: the error may be that one's.</summary>
    public static T Load<T>(IReadOnlyList<string> sets, IEnumerable<OptionSet?> options, Func<IReadOnlyList<string>, T> load)
    {
        var given = options.OfType<OptionSet>().ToList();
        try
        {
            return load([.. sets, .. given.Select(o => o.Assignment)]);
        }
        catch (SpecException e)
        {
            var bySource = new Dictionary<string, OptionSet>(StringComparer.Ordinal);
            foreach (var o in given.Where(o => !sets.Contains(o.Assignment))) bySource.TryAdd($"--set {o.Assignment}", o);
            if (!e.Errors.Any(x => bySource.ContainsKey(x.Source))) throw;
            throw new SpecException([.. e.Errors.Select(x => bySource.TryGetValue(x.Source, out var o)
                ? x with { Source = $"{o.Option} {o.Value}", Path = x.Path == o.Path ? "" : x.Path }
                : x)]);
        }
    }
}
