namespace Retention.Spec;

/// <summary>"unknown key" messages that name the allowed keys and the likely intended one.</summary>
public static class KeySuggestions
{
    public static string UnknownKey(string key, IReadOnlyList<string> allowed, string what = "key", string listLabel = "allowed")
    {
        // 'tasks[0]': a list item named by its index, which key paths (--set, sweep keys) do not do.
        if (key.IndexOf('[') is > 0 and var open && key.EndsWith(']') && allowed.Contains(key[..open]))
            return $"'{key}': a key path cannot index into a list: set the whole '{key[..open]}' list with every item written out " +
                   "(--set takes a YAML list: =[{...}, {...}]); one item's value cannot be swept";
        // YAML 1.1's merge key, which YAML 1.2 (and this reader) does not have: "unknown key '<<'" alone reads as a typo.
        if (key == "<<")
            return $"'<<' (a YAML merge key) is not read: write the keys out, alias a whole mapping (key: *name), or put the " +
                   $"differences in a profile (profiles deep-merge over the file); {listLabel}: {(allowed.Count == 0 ? "none" : string.Join(", ", allowed))}";
        var suggestion = Closest(key, allowed);
        var hint = suggestion is null ? "" : $" (did you mean '{suggestion}'?)";
        var list = allowed.Count == 0 ? "none" : string.Join(", ", allowed);
        return $"unknown {what} '{key}'{hint}; {listLabel}: {list}";
    }

    /// <summary>
    /// The allowed key the user most plausibly meant: same letters ignoring case and
    /// underscores (batchSize → batch_size), else the nearest by edit distance when it is close
    /// enough that the suggestion is not noise.
    /// </summary>
    public static string? Closest(string key, IReadOnlyList<string> allowed)
    {
        var normalized = Normalize(key);
        var same = allowed.FirstOrDefault(a => Normalize(a) == normalized);
        if (same is not null) return same;

        // Two edits in four letters leave half the word: 'base' was offered 'name'. A transposition is one edit (sede → seed).
        var limit = key.Length <= 4 ? 1 : 2;
        return allowed
            .Select(a => (Key: a, Distance: Distance(key.ToLowerInvariant(), a)))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Select(c => c.Key)
            .FirstOrDefault();
    }

    private static string Normalize(string s) => s.Replace("_", "").Replace("-", "").ToLowerInvariant();

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions (stpes → steps is 1).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}
