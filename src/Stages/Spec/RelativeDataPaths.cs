namespace Retention.Spec;

/// <summary>The local data and tokenizer paths a spec writes relative, which resolve against the folder of the file that
/// names them (or --data-dir): a copy of the spec saved in another folder reads other files, or none.</summary>
public static class RelativeDataPaths
{
    public static IReadOnlyList<string> Of(IEnumerable<PipelineSpec> specs)
    {
        var found = new List<string>();
        foreach (var data in specs.Select(s => s.Data).OfType<DataSpec>())
        {
            foreach (var entry in data.Sources.SelectMany(s => s.Paths))
                if (!string.IsNullOrWhiteSpace(entry) && !Data.Shard.IsUrl(entry.Trim()) && !Path.IsPathRooted(entry)) found.Add(entry);
            if (!Data.TextTokenizer.IsBuiltIn(data.Tokenizer.Kind))
                foreach (var file in new[] { data.Tokenizer.Path, data.Tokenizer.MergesPath })
                    if (!string.IsNullOrWhiteSpace(file) && !Path.IsPathRooted(file)) found.Add(file);
        }
        return [.. found.Distinct(StringComparer.Ordinal)];
    }
}
