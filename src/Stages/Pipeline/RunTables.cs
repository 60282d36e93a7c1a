using Apache.Arrow;
using Retention.Data;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>The Arrow tables a run of an experiment writes (file stem and schema), known before it
/// runs, so the analysis SQL can be checked against them before any training.</summary>
public static class RunTables
{
    /// <summary>The run tables of <paramref name="spec"/>'s experiment, and swept.arrow's when the sweep has
    /// <paramref name="swept"/> keys (its columns are the keys' short names, typed by their fields).</summary>
    public static IReadOnlyList<(string Name, Schema Schema)> Of(PipelineSpec spec, IReadOnlyList<SweptKey>? swept = null) =>
    [
        .. Experiment(spec),
        .. swept is { Count: > 0 } ? [(SweptTable, SweptValues.SchemaOf(swept))] : (IEnumerable<(string, Schema)>)[],
    ];

    public const string SweptTable = "swept";

    private static IReadOnlyList<(string Name, Schema Schema)> Experiment(PipelineSpec spec) => spec.Experiment switch
    {
        "synthetic" =>
        [
            ("params", SyntheticTables.Params.Schema), ("metrics", SyntheticTables.Metrics.Schema), ("train", SyntheticTables.Train.Schema),
            ("theory", SyntheticTables.Theory.Schema), ("utilities", SyntheticTables.Utilities.Schema),
            ("interference", SyntheticTables.Interference.Schema), ("injections", SyntheticTables.Injections.Schema),
            .. spec.Synthetic.Rare is null ? (IEnumerable<(string, Schema)>)[] : [("rare", SyntheticTables.Rare.Schema)],
        ],
        "olmo" =>
        [
            ("train", OlmoRunGraph.TrainTable.Schema), ("eval", OlmoRunGraph.EvalTable.Schema), ("task_metrics", OlmoRunGraph.TaskTable.Schema),
            ("injections", DataTables.Injections.Schema), ("model", OlmoRunGraph.ModelTable.Schema), ("tasks", OlmoRunGraph.TasksTable.Schema),
            ("data_quality", DataQualityLog.Table.Schema),
            ("stages", StageTimes.Table.Schema),
            .. Probes.OlmoProbes.Tables(spec),
        ],
        "data" => [("batches", DataRunGraph.Batches.Schema), ("sources", DataRunGraph.Sources.Schema), ("injections", DataTables.Injections.Schema),
            ("tasks", OlmoRunGraph.TasksTable.Schema), ("data_quality", DataQualityLog.Table.Schema)],
        _ => [],
    };
}
