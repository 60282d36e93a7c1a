using Retention.Data;
using Retention.Tests.Artifacts;

namespace Retention.Tests.Data;

/// <summary>Issues an earlier version saved with a checkpoint, naming shards by absolute path, are renamed on resume to the
/// names this version gives (as the pipeline's paths spell them), so that the ones met again are recorded once.</summary>
public class EarlierIssueNamesTests
{
    static DataStreamSpec Spec(string? absoluteIdsFrom = null, params string[] paths) =>
        new([new DataSourceSpec { Paths = paths }], new TokenizerSpec(), new PackingSpec(), [], 0, absoluteIdsFrom);

    [Fact]
    public void Absolute_names_under_the_folder_now_or_before_a_move_become_the_relative_names_and_others_stay()
    {
        using var dir = new ArtifactTempDir();
        var pipelines = Directory.CreateDirectory(dir.File("project", "pipelines")).FullName;
        DataFiles.Write(dir.File("project", "data", "a.jsonl"), DataFiles.Lines(DataFiles.Docs("a", 3)));
        var elsewhere = Path.Combine(dir.Path, "other", "b.jsonl");
        DataFiles.Write(elsewhere, DataFiles.Lines(DataFiles.Docs("b", 3)));
        var spec = Spec(null, "../data/*.jsonl", elsewhere, "https://example.org/u.jsonl");
        DataQualityIssue Issue(string shard) => new(shard, 4, DataQualityReasons.InvalidJson, "x");

        var renamed = EarlierIssueNames.Renamed([
            Issue(dir.File("project", "data", "a.jsonl")),                 // the project where it lies now
            Issue("/before/the/move/data/a.jsonl"),                        // where it lay when the earlier attempt ran
            Issue(elsewhere),                                             // named absolutely by the pipeline: so before too
            Issue("https://example.org/u.jsonl"),
            Issue("/before/the/move/data/gone.jsonl"),                    // no shard of the run's: as it was
            Issue("../data/a.jsonl"),                                     // already this version's name
        ], spec, pipelines, ["/before/the/move/pipelines"]);

        Assert.Equal(["../data/a.jsonl", "../data/a.jsonl", elsewhere, "https://example.org/u.jsonl", "/before/the/move/data/gone.jsonl",
            "../data/a.jsonl"], renamed.Select(i => i.Shard));
        Assert.All(renamed, i => Assert.Equal((4L, DataQualityReasons.InvalidJson, "x"), (i.Line, i.Reason, i.Detail)));

        // A run that keeps the absolute ids it started with names shards absolutely too, under the folder it first read from.
        var absolute = EarlierIssueNames.Renamed([Issue("/before/the/move/data/a.jsonl")], Spec("/first/pipelines", "../data/*.jsonl"),
            pipelines, ["/before/the/move/pipelines", "/first/pipelines"]);
        Assert.Equal("/first/data/a.jsonl", Assert.Single(absolute).Shard);
    }

    [Fact]
    public void Renamed_earlier_issues_are_replayed_once_when_the_resumed_stream_meets_them_again()
    {
        using var dir = new ArtifactTempDir();
        var pipelines = Directory.CreateDirectory(dir.File("pipelines")).FullName;
        DataFiles.Write(dir.File("data", "a.jsonl"), ["not json", .. DataFiles.Lines(DataFiles.Docs("a", 3))]);
        var spec = Spec(null, "../data/a.jsonl");
        var now = new DataQualityLog();
        var source = DocumentSource.Create(spec.Sources[0], pipelines, 0, now);
        source.Documents().ToList();
        var issue = Assert.Single(now.Issues);
        Assert.Equal(("../data/a.jsonl", 1L), (issue.Shard, issue.Line));

        // The checkpoint of an earlier version: the same issue under its absolute name. Met again after the resume, once.
        var log = DataQualityLog.Resuming(EarlierIssueNames.Renamed([issue with { Shard = dir.File("data", "a.jsonl") }], spec, pipelines, []));
        DocumentSource.Create(spec.Sources[0], pipelines, 0, log).Documents().ToList();
        Assert.Equal([issue], log.Issues);
        Assert.Equal(1, log.Total);
    }

    [Fact]
    public void An_earlier_issue_worded_otherwise_is_still_the_same_issue_when_met_again()
    {
        // An earlier version's invalid_json detail ended with .NET's place; this version words it otherwise.
        var earlier = new DataQualityIssue("../data/a.jsonl", 1, DataQualityReasons.InvalidJson,
            "'o' is an invalid start of a value. LineNumber: 0 | BytePositionInLine: 1.");
        var log = DataQualityLog.Resuming([earlier]);

        log.Record(earlier with { Detail = "'o' is an invalid start of a value (../data/a.jsonl, line 1, column 2)" });
        log.Record(earlier with { Line = 2 });   // another line: another issue

        Assert.Equal([earlier, earlier with { Line = 2 }], log.Issues);
        Assert.Equal(2, log.Total);
    }
}
