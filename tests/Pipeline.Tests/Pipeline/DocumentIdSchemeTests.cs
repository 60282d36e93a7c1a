using Retention.Artifacts;
using Retention.Pipeline;

namespace Retention.Tests.Pipeline;

/// <summary>A run keeps the naming of id-less documents it first trained with (provenance.json's document_ids).</summary>
public class DocumentIdSchemeTests
{
    static SweepContract.Provenance Earlier(string? ids, string? from = null, string? dataDirectory = "/first/pipelines") =>
        new("v", "h", "u", "cpu", "t", null, null, "cmd", 1, DataDirectory: dataDirectory, DocumentIds: ids, AbsoluteIdsFrom: from);

    [Fact]
    public void A_new_run_is_relative_and_a_resume_keeps_what_its_first_attempt_recorded()
    {
        Assert.Equal(("relative", (string?)null), DocumentIdScheme.For(null, "/now", "/runs/r"));
        Assert.Equal(("relative", (string?)null), DocumentIdScheme.For(Earlier("relative"), "/now", "/runs/r"));
        // An absolute run keeps the folder it recorded, not the folder the latest attempt read from.
        Assert.Equal(("absolute", (string?)"/first/pipelines"), DocumentIdScheme.For(Earlier("absolute", "/first/pipelines", "/moved/pipelines"), "/now", "/runs/r"));
    }

    [Fact]
    public void A_run_recorded_before_the_scheme_keeps_absolute_ids_from_the_folder_it_first_read()
    {
        Assert.Equal(("absolute", (string?)"/first/pipelines"), DocumentIdScheme.For(Earlier(null), "/moved/pipelines", "/runs/r"));
        Assert.Equal(("absolute", (string?)"/now"), DocumentIdScheme.For(Earlier(null, dataDirectory: null), "/now", "/runs/r"));   // no folder recorded: this one
        var unknown = Assert.Throws<ArtifactException>(() => DocumentIdScheme.For(Earlier("hashed"), "/now", "/runs/r"));
        Assert.Equal("/runs/r/provenance.json", unknown.FilePath);
        Assert.Contains("'hashed'", unknown.Message);
    }
}
