using Retention.Artifacts;

namespace Retention.Synthetic;

/// <summary>Arrow schemas of the synthetic experiment's tables (column names are the SQL names).</summary>
public static class SyntheticTables
{
    public static readonly RecordBatchBuilder<MetricRow> Metrics = new RecordBatchBuilder<MetricRow>()
        .Int64("step", r => r.Step).Int32("task", r => r.Task).Float64("loss", r => r.Loss)
        .Float64("signal", r => r.Signal).Float64("signal_corrected", r => r.SignalCorrected).Utf8("phase", r => r.Phase);

    public static readonly RecordBatchBuilder<InterferenceRow> Interference = new RecordBatchBuilder<InterferenceRow>()
        .Int64("step", r => r.Step).Float64("residual_f", r => r.ResidualF).Float64("grad_f", r => r.GradF)
        .Float64("grad_f_train", r => r.GradFTrain).Float64("bound", r => r.Bound);

    public static readonly RecordBatchBuilder<InjectionRow> Injections = new RecordBatchBuilder<InjectionRow>()
        .Int64("step", r => r.Step).Int32("rare_rows", r => r.RareRows).Int64("cumulative_rare", r => r.CumulativeRare)
        .Int64("cumulative_rows", r => r.CumulativeRows).Float64("rare_fraction", r => r.RareFraction);

    public static readonly RecordBatchBuilder<RareRow> Rare = new RecordBatchBuilder<RareRow>()
        .Int32("rare_task", r => r.RareTask).Float64("frequency", r => r.Frequency).Float64("lambda", r => r.Lambda)
        .Int64("gap", r => r.Gap).Bool("rank_one", r => r.RankOne).Float64("utility", r => r.Utility)
        .Int32("n_crit", r => r.NCrit).Float64("residual_at_crit", r => r.ResidualAtCrit)
        .Float64("lambda1_f", r => r.TopFrequentEigenvalue).Int32("frequent_tasks", r => r.FrequentTasks);

    public static readonly RecordBatchBuilder<TrainRow> Train = new RecordBatchBuilder<TrainRow>()
        .Int64("step", r => r.Step).Float64("lr", r => r.Lr).Float64("train_loss", r => r.TrainLoss)
        .Float64("elapsed_s", r => r.ElapsedSeconds);

    public static readonly RecordBatchBuilder<TheoryRow> Theory = new RecordBatchBuilder<TheoryRow>()
        .Int32("task", r => r.Task).Float64("frequency", r => r.Frequency).Float64("trace", r => r.Trace)
        .Int32("retained", r => r.Retained).Float64("loss_floor", r => r.LossFloor)
        .Float64("signal_floor", r => r.SignalFloor).Int32("first_width", r => r.FirstWidth)
        .Int32("full_width", r => r.FullWidth);

    public static readonly RecordBatchBuilder<UtilityRow> Utilities = new RecordBatchBuilder<UtilityRow>()
        .Int32("task", r => r.Task).Int32("feature", r => r.Feature).Float64("lambda", r => r.Lambda)
        .Float64("utility", r => r.Utility).Int32("rank", r => r.Rank);

    public static readonly RecordBatchBuilder<ParamsRow> Params = new RecordBatchBuilder<ParamsRow>()
        .Utf8("swept", r => r.Sweep).Int32("width", r => r.Width).Int32("seed", r => r.Seed)
        .Int32("tasks", r => r.Tasks).Int32("dims_per_task", r => r.DimsPerTask).Int64("steps", r => r.Steps)
        .Int32("batch_size", r => r.BatchSize).Float64("lr", r => r.Lr).Utf8("device", r => r.Device)
        .Utf8("device_requested", r => r.DeviceRequested);
}
