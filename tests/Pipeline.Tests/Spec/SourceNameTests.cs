using Retention.Spec;

namespace Retention.Tests.Spec;

/// <summary>A source's name labels its rows in sources.arrow and seeds its shuffle, so two sources of one name (two left
/// unnamed are both "default") are refused at the second's name; a stored pipeline.yaml of an earlier version still loads.</summary>
public sealed class SourceNameTests() : InTempFolder("source-name-")
{
    string Pipeline(string sources)
    {
        var file = Path.Combine(dir, "p.yaml");
        File.WriteAllText(file, string.Join('\n', "name: p", "experiment: data", "data:", "  sources:", sources) + "\n");
        return file;
    }

    [Fact]
    public void Two_unnamed_sources_are_refused_at_the_second_with_why()
    {
        var file = Pipeline("    - {paths: ['http://example.org/a.json.gz'], weight: 3}\n    - {paths: ['http://example.org/b.json.gz']}");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file)).Errors);

        Assert.Equal(("data.sources[1].name", 6), (error.Path, error.Line));
        Assert.StartsWith("'default' is also data.sources[0]'s name (the name of a source given none): give each source its own name", error.Message);
        Assert.Equal(2, SpecLoader.Load(file, stored: true).Spec.Data!.Sources.Count);
    }

    [Fact]
    public void Sources_of_their_own_names_pass_and_a_repeated_name_is_refused()
    {
        Assert.Equal(["web", "books"], SpecLoader.Load(Pipeline(
            "    - {name: web, paths: ['http://example.org/a.json.gz']}\n    - {name: books, paths: ['http://example.org/b.json.gz']}"))
            .Spec.Data!.Sources.Select(s => s.Name));

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(Pipeline(
            "    - {name: web, paths: ['http://example.org/a.json.gz']}\n    - {name: web, paths: ['http://example.org/b.json.gz']}"))).Errors);
        Assert.Equal("data.sources[1].name", error.Path);
        Assert.StartsWith("'web' is also data.sources[0]'s name: give", error.Message);
    }
}
