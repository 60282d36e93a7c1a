namespace Retention.Probes;

/// <summary>
/// A scan's DAS warnings, each once, naming the sites it holds at when the scan probed several. The pairs are drawn per
/// position, so tok1 and tok2 warn with different numbers, while every layer of one position gives the same (the bases and
/// the model do not change with the layer): unnamed, two lines of different numbers could not be told apart.
/// </summary>
public static class DasSiteWarnings
{
    /// <param name="found">Each site's warning, in the order the sites were probed.</param>
    /// <param name="nameSites">The scan probed more than one site.</param>
    public static IReadOnlyList<string> Texts(IEnumerable<(int Layer, string Position, DasWarning Warning)> found, bool nameSites) =>
        [.. found.GroupBy(f => f.Warning.Text()).Select(g => nameSites ? g.First().Warning.Text(Sites(g.Select(f => (f.Layer, f.Position)))) : g.Key)];

    /// <summary>"tok1, layers 0–2, 4; tok2, layer 1": each position in the order met, with its layers, runs of three or more as ranges.</summary>
    public static string Sites(IEnumerable<(int Layer, string Position)> sites) =>
        string.Join("; ", sites.GroupBy(s => s.Position).Select(p => $"{p.Key}, {Layers(p.Select(s => s.Layer))}"));

    static string Layers(IEnumerable<int> layers)
    {
        var sorted = layers.Distinct().Order().ToList();
        var runs = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            runs.Add(j - i >= 2 ? $"{sorted[i]}–{sorted[j]}" : string.Join(", ", sorted[i..(j + 1)]));
            i = j + 1;
        }
        return $"{(sorted.Count == 1 ? "layer" : "layers")} {string.Join(", ", runs)}";
    }
}
