using Apache.Arrow;
using Retention.Data;
using Retention.Spec;
using Retention.Synthetic;

namespace Retention.Pipeline;

/// <summary>The Arrow tables a run of an experiment writes (file stem and schema), known before it
/// runs, so the analysis SQL can be checked against them before any training.</summary>
public static class RunTables
{
    /// <summary>swept.arrow's columns are the sweep's keys (typed by value), so the analysis check
    /// does not know them: its table is left out there, and SQL over it is checked when the runs exist.</summary>
    public static IReadOnlyList<(string Name, Schema Schema)> Of(PipelineSpec spec) => spec.Experiment switch
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
        "data" => [("batches", DataRunGraph.Batches.Schema), ("injections", DataTables.Injections.Schema), ("data_quality", DataQualityLog.Table.Schema)],
        _ => [],
    };
}
