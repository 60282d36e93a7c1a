using System.Text.RegularExpressions;
using Retention.Data;
using Retention.Spec;
using YamlDotNet.RepresentationModel;

namespace Retention.Tests.Docs;

/// <summary>
/// "Docs for every knob": every key a pipeline file can set is in README.md. The keys are not a hand list: they are
/// walked from PipelineSpec through <see cref="SpecSchema"/>, the binder's own notion of a key (public settable
/// properties, snake_case; nested records and lists of records descended into), and that walk is checked against
/// what <see cref="SpecWriter"/> writes for a spec with every optional section and value set.
///
/// The rule for "documented", strict enough to catch a missing key and loose enough to let the reference keep its
/// voice: a key is documented when
/// (a) its leaf name appears as a word in its parent's scope in one of the README's ```yaml blocks: the lines
///     indented under the parent's key line, comments included (so `hidden` in "(also hidden, mlp_dim, heads)"
///     under `olmo:` counts, and `# seed: N` shows an optional key unset). Top-level keys need a key line of
///     their own. A word elsewhere, or under another section (probes.das's `seed` under `data:`), does not count;
/// or (b) its full dotted path (at least two keys) appears in the README text (list items with or without an index:
///     `data.tasks[0].gap`, `data.tasks.gap`), as prose names the keys it explains (`olmo.checkpoint_every: n`).
/// </summary>
public class ReadmeYamlKeysTests
{
    /// <summary>A key's place: the keys of its parent records (a list of records adds "[]" to its key) and its own.</summary>
    sealed record Key(IReadOnlyList<string> Parents, string Leaf)
    {
        public string Dotted => string.Join(".", [.. Parents, Leaf]);
        public override string ToString() => Dotted;
    }

    static IEnumerable<Key> KeysOf(Type record, IReadOnlyList<string> parents)
    {
        foreach (var field in SpecSchema.FieldsOf(record))
        {
            yield return new Key(parents, field.Key);
            if (field.RecordType is { } inner)
                foreach (var key in KeysOf(inner, [.. parents, field.Kind == FieldKind.RecordList ? field.Key + "[]" : field.Key]))
                    yield return key;
        }
    }

    static readonly IReadOnlyList<Key> AllKeys = KeysOf(typeof(PipelineSpec), []).ToList();

    static bool Documented(Key key, Readme readme)
    {
        var parents = key.Parents.Select(p => p.Replace("[]", "")).ToList();
        bool inScope = parents.Count == 0
            ? readme.Scopes.Any(s => s.Path.Count == 1 && s.Path[0] == key.Leaf)
            : readme.Scopes.Any(s => s.Path.SequenceEqual(parents) && Readme.HasWord(s.Text, key.Leaf));
        var dotted = string.Join(@"\.", [.. key.Parents.Select(p => p.EndsWith("[]", StringComparison.Ordinal)
            ? Regex.Escape(p[..^2]) + @"(?:\[\d*\])?" : Regex.Escape(p)), Regex.Escape(key.Leaf)]);
        // A top-level key has no dotted path: its name alone is any word of the prose.
        return inScope || parents.Count > 0 && Regex.IsMatch(readme.Text, $@"(?<![A-Za-z0-9_.]){dotted}(?![A-Za-z0-9_]|\.[a-z])");
    }

    [Fact]
    public void Every_key_a_pipeline_file_can_set_is_documented_in_the_readme()
    {
        var readme = Readme.Load();
        var missing = AllKeys.Where(k => !Documented(k, readme)).Select(k => k.Dotted).ToList();
        Assert.True(missing.Count == 0,
            $"README.md documents no {string.Join(", ", missing)}: add each to its section's yaml block (default, meaning, range) or name its dotted path where prose explains it");
    }

    [Fact]
    public void The_rule_finds_a_key_in_its_own_section_or_by_its_dotted_path_only()
    {
        var readme = Readme.Parse(string.Join("\n",
            "Prose: `probes.das.seed` seeds the pairs.",
            "```yaml",
            "data:",
            "  packing:",
            "    seq_len: 2048              # L",
            "  tasks:",
            "    - kind: comparison",
            "      # name: cmp              # unset by default",
            "      gap: 1                   # also items",
            "olmo:",
            "  layers: 0                    # (also hidden)",
            "```"));

        Key Of(string dotted) { var parts = dotted.Split('.'); return new Key(parts[..^1], parts[^1]); }
        string[] documented = ["data", "olmo", "data.packing.seq_len", "data.tasks[].kind", "data.tasks[].name", "data.tasks[].items",
            "data.tasks[].gap", "olmo.hidden", "probes.das.seed"];
        string[] not = ["packing", "seq_len", "data.packing.kind", "data.tasks[].seq_len", "data.packing.gap", "olmo.seq_len",
            "probes.das", "probes.das.see", "probes.das.rank", "probes", "data.tasks[].cmp_name"];
        Assert.All(documented, d => Assert.True(Documented(Of(d), readme), d));
        Assert.All(not, d => Assert.False(Documented(Of(d), readme), d));
        Assert.False(Readme.HasWord("merges_path: x", "path"));
    }

    /// <summary>The walk above is the writer's notion of a key too: a spec with every optional section and value set
    /// writes exactly these keys (the union over the synthetic and OLMo experiments, each of which leaves out what it
    /// does not read). A computed property (data.packing.row_length) would show here as a key the walk lacks.</summary>
    [Fact]
    public void The_keys_walked_are_the_keys_the_spec_writer_writes()
    {
        var written = new[] { Everything("synthetic"), Everything("olmo") }
            .SelectMany(spec => WrittenKeys(SpecWriter.Write(spec))).ToHashSet();

        Assert.Equal(AllKeys.Select(k => k.Dotted).Order(), written.Order());
    }

    static PipelineSpec Everything(string experiment) => new()
    {
        Name = "all",
        Experiment = experiment,
        Synthetic = new SyntheticSpec { Rare = new RareSpec() },
        Sweep = new Dictionary<string, IReadOnlyList<string>> { ["seed"] = ["0", "1"] },
        Analysis = new AnalysisSpec
        {
            Tables = [new AnalysisTableSpec { Name = "t", Sql = "SELECT 1" }],
            Plots = [new PlotSpec { Name = "p", Kind = "line", Sql = "SELECT 1", X = "x", Y = "y", Value = "v", ValueRange = [0, 1], Series = "s", XLabel = "x", YLabel = "y",
                Overlays = [new OverlaySpec { Sql = "SELECT 1", X = "x", Y = "y" }] }],
            Advise = new AdviseSpec(),
        },
        Data = new DataSpec
        {
            // One of each format: each leaves out the keys it never reads (token_dtype and eos_token_id; shuffle_buffer).
            Sources = [new DataSourceSpec { Paths = ["a.json.gz"], Seed = 1 },
                       new DataSourceSpec { Paths = ["a.bin"], Format = "pretokenized", Seed = 1, EosTokenId = 0 }],
            Tokenizer = new TokenizerSpec { Path = "tokenizer.json", MergesPath = "merges.txt" },
            Tasks = [new InjectedTaskSpec { Name = "cmp", ItemIds = [1], LabelIds = [2, 3] }],
        },
        Olmo = new OlmoSpec { ReferenceTasks = [new ReferenceTaskSpec { Name = "ref" }] },
        Probes = new ProbesSpec { Das = new(), Fourier = new(), Gradients = new(), InjectionEval = new() },
    };

    /// <summary>Every mapping key of the YAML as a dotted path (a sequence's items add "[]"); the sweep's entries are values, not keys.</summary>
    static IEnumerable<string> WrittenKeys(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Walk(stream.Documents[0].RootNode, "");

        static IEnumerable<string> Walk(YamlNode node, string at)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    foreach (var (k, v) in mapping.Children)
                    {
                        var path = at.Length == 0 ? ((YamlScalarNode)k).Value! : $"{at}.{((YamlScalarNode)k).Value}";
                        yield return path;
                        if (path == SpecSchema.SweepKey) continue;
                        foreach (var inner in Walk(v, path)) yield return inner;
                    }
                    break;
                case YamlSequenceNode sequence:
                    foreach (var inner in sequence.Children.SelectMany(item => Walk(item, at + "[]"))) yield return inner;
                    break;
            }
        }
    }
}
