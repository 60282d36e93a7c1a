using System.Text.Json;

namespace Retention.Artifacts;

/// <summary>
/// The options of the JSON records kept beside the tables (a run's status.json and provenance.json, a sweep's analysis
/// outcome, a Slurm submission): snake_case keys, indented for a reader. One set, so the records read alike and a
/// change of style reaches them all.
/// </summary>
public static class RecordJson
{
    public static readonly JsonSerializerOptions Options = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
