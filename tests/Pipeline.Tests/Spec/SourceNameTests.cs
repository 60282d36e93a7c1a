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

    /// <summary>An empty or blank name was accepted, and named the source's rows in sources.arrow and seeded its shuffle as ""
    /// (two blank ones as one name, each said as "'' is also ..."). Refused at the key, with its line.</summary>
    [Theory]
    [InlineData("\"\"")]
    [InlineData("'   '")]
    [InlineData("\"\\t\"")]
    public void An_empty_or_blank_name_is_refused_at_its_key(string name)
    {
        var file = Pipeline($"    - {{paths: ['http://example.org/a.json.gz']}}\n    - {{name: {name}, paths: ['http://example.org/b.json.gz']}}");

        var error = Assert.Single(Assert.Throws<SpecException>(() => SpecLoader.Load(file)).Errors);

        Assert.Equal(("data.sources[1].name", 6, 14), (error.Path, error.Line, error.Column));
        Assert.EndsWith("is no name: give the source a name (or leave the key out: it is then 'default'); " +
            "it labels the source's rows in sources.arrow and seeds its shuffle", error.Message);

        // Two blank ones: each refused once, as no name, not also as the other's.
        var both = Assert.Throws<SpecException>(() => SpecLoader.Load(Pipeline(
            $"    - {{name: {name}, paths: ['http://example.org/a.json.gz']}}\n    - {{name: {name}, paths: ['http://example.org/b.json.gz']}}"))).Errors;
        Assert.Equal(["data.sources[0].name", "data.sources[1].name"], both.Select(e => e.Path));
        Assert.All(both, e => Assert.Contains("is no name", e.Message));
    }
}
