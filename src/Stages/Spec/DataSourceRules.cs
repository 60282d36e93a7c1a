namespace Retention.Spec;

/// <summary>Rules on data.sources: at least one, each valid for its format, a pre-tokenized one alone, and (for new
/// files) each with its own name.</summary>
internal static class DataSourceRules
{
    public static void Check(SpecChecks c, IReadOnlyList<Retention.Data.DataSourceSpec> sources)
    {
        c.Check(sources.Count > 0, "data.sources", "needs at least one source (paths of Dolma shards, globs or URLs)");
        for (var i = 0; i < sources.Count; i++)
            foreach (var message in sources[i].Validate($"data.sources[{i}]"))
            {
                var colon = message.IndexOf(": ", StringComparison.Ordinal);
                c.Check(false, message[..colon], message[(colon + 2)..]);
            }
        if (sources.Count > 1)
            for (var i = 0; i < sources.Count; i++)
                c.Check(sources[i].Format != "pretokenized", $"data.sources[{i}].format",
                    "a pretokenized source cannot be mixed with other sources; give it as the only source");
    }

    /// <summary>A source's name labels its rows in sources.arrow and seeds its shuffle: two of one name (two left unnamed
    /// are both "default") could not be told apart there, nor a blank one read as a name. Not asked of stored files: earlier versions accepted them.</summary>
    public static void Names(SpecChecks c, PipelineSpec spec)
    {
        if (spec.Data is not { Sources: var list }) return;
        for (int i = 0; i < list.Count; i++)
            c.Check(!string.IsNullOrWhiteSpace(list[i].Name), $"data.sources[{i}].name",
                $"'{list[i].Name}' is no name: give the source a name (or leave the key out: it is then " +
                $"'{new Retention.Data.DataSourceSpec { Paths = [] }.Name}'); it labels the source's rows in sources.arrow and seeds its shuffle");
        for (int i = 0; i < list.Count; i++)
            if (!string.IsNullOrWhiteSpace(list[i].Name)   // refused above, once
                && list.Take(i).Select((s, j) => (s.Name, j)).FirstOrDefault(e => e.Name == list[i].Name) is { Name: not null } first)
                c.Check(false, $"data.sources[{i}].name", $"'{list[i].Name}' is also data.sources[{first.j}]'s name" +
                    (list[i].Name == new Retention.Data.DataSourceSpec { Paths = [] }.Name ? " (the name of a source given none)" : "") +
                    ": give each source its own name; it labels the source's rows in sources.arrow and seeds its shuffle");
    }
}
