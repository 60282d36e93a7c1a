namespace Retention.Spec;

// The typed form of a pipeline YAML file, after profiles, --set overrides and sweep
// expansion have been applied. YAML keys are the snake_case of the property names
// (see SpecLoader). Every record is immutable; defaults here are the documented defaults.

/// <summary>One experiment file (pipelines/*.yaml).</summary>
public sealed record PipelineSpec
{
    /// <summary>Name of the experiment; the artifacts go under artifacts/&lt;name&gt;/.</summary>
    public required string Name { get; init; }
    public string Description { get; init; } = "";
    /// <summary>Which experiment family this file runs: synthetic (Part 1) | data (the data stage alone).</summary>
    public string Experiment { get; init; } = "synthetic";

    /// <summary>Whether its runs train a model (and so need LibTorch and a device): a data run only reads and packs data.</summary>
    public bool TrainsModel => Experiment != "data";
    /// <summary>cpu | cuda | auto (cuda when available).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Base seed of a run: model init, data and task sampling derive from it.</summary>
    public int Seed { get; init; } = 0;
    public SyntheticSpec Synthetic { get; init; } = new();
    public TrainSpec Train { get; init; } = new();
    /// <summary>Dotted path → values; the cartesian product expands into runs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Sweep { get; init; } =
        new Dictionary<string, IReadOnlyList<string>>();
    public AnalysisSpec Analysis { get; init; } = new();
    /// <summary>The data stage: sources, tokenizer, packing, injected tasks (experiment: data and olmo).</summary>
    public DataSpec? Data { get; init; }
    /// <summary>The OLMo model and its optimiser settings (experiment: olmo). train.steps, lr,
    /// warmup_steps, min_lr_ratio and log_every apply; batch and sequence come from data.packing.</summary>
    public OlmoSpec? Olmo { get; init; }

    /// <summary>Probe stages of an OLMo run (DAS, Fourier readout, gradient decomposition, injection
    /// retention); absent = none. See ProbesSpec.cs.</summary>
    public ProbesSpec? Probes { get; init; }
}

/// <summary>experiment: olmo — the decoder of paper-spec Part 2 trained on the data stage.</summary>
public sealed record OlmoSpec
{
    /// <summary>4M | 20M | 300M | 1B | 4B (layers, hidden, MLP dim and heads of the paper's table).</summary>
    public string Preset { get; init; } = "4M";
    /// <summary>Overrides of the preset's shape (0 = the preset's value), for small CPU models.</summary>
    public int Layers { get; init; }
    public int Hidden { get; init; }
    public int MlpDim { get; init; }
    public int Heads { get; init; }
    /// <summary>0: the tokenizer's vocabulary plus the appended task tokens.</summary>
    public int VocabSize { get; init; }
    public double WeightDecay { get; init; } = 0.1;
    public double Beta2 { get; init; } = 0.95;
    /// <summary>Global gradient-norm clip (0 = off).</summary>
    public double ClipGradNorm { get; init; } = 1.0;
    public int GradAccumulation { get; init; } = 1;
    /// <summary>LM validation loss and task metrics at step 0 (the untrained model), every n steps and at the last step.</summary>
    public long EvalEvery { get; init; } = 100;
    /// <summary>Instances of each task's train and test split scored at an evaluation (the first n).</summary>
    public int EvalInstances { get; init; } = 500;
    /// <summary>Matmul precision: auto (bf16 on CUDA, fp32 on the CPU) | fp32 | bf16. bf16 keeps float32
    /// master weights and optimiser state and casts each matmul's inputs, like torch.autocast.</summary>
    public string Precision { get; init; } = "auto";
    /// <summary>Save model, optimiser and data cursor to the run's checkpoint/ every n steps (0 = only at the end).</summary>
    public long CheckpointEvery { get; init; }

    /// <summary>Arithmetic as text, scored at every evaluation and never injected (paper Fig 6a's reference tasks).</summary>
    public IReadOnlyList<ReferenceTaskSpec> ReferenceTasks { get; init; } = [];

    /// <summary>AdamW as LibTorch's fused kernel (one call per decay group) rather than ~9 kernels per
    /// parameter; equal to float rounding (tested). false: the per-parameter update.</summary>
    public bool FusedAdamw { get; init; } = true;

    /// <summary>Rotary embeddings and SwiGLU gates as TorchScript functions, which LibTorch's fuser compiles into one
    /// kernel per chain on CUDA; the same arithmetic (tested). Off until a GPU measurement shows it pays.</summary>
    public bool FusedElementwise { get; init; }
}

/// <summary>
/// The data stage of paper-spec Part 2 (see README "The data stage"): documents from one or more
/// weighted sources, tokenized, packed into (batch_size, seq_len) batches, with injected tasks.
/// experiment: data runs it alone for train.steps batches, to check a data mix and its injection
/// schedule before training.
/// </summary>
public sealed record DataSpec
{
    public IReadOnlyList<Retention.Data.DataSourceSpec> Sources { get; init; } = [];
    public Retention.Data.TokenizerSpec Tokenizer { get; init; } = new();
    public Retention.Data.PackingSpec Packing { get; init; } = new();
    public IReadOnlyList<Retention.Data.InjectedTaskSpec> Tasks { get; init; } = [];
}

/// <summary>Paper-spec Part 1: K tasks in orthogonal blocks, power-law frequencies and spectra.</summary>
public sealed record SyntheticSpec
{
    /// <summary>K, number of tasks.</summary>
    public int Tasks { get; init; } = 32;
    /// <summary>d, dimensions of each task's block; the input has D = K·d dimensions.</summary>
    public int DimsPerTask { get; init; } = 16;
    /// <summary>beta: task k (1-based) has frequency pi_k ∝ k^(-beta).</summary>
    public double FrequencyExponent { get; init; } = 1.2;
    /// <summary>alpha: feature j (1-based) of a task has variance lambda_j = scale · j^(-alpha).</summary>
    public double SpectrumExponent { get; init; } = 1.0;
    public double SpectrumScale { get; init; } = 1.0;
    /// <summary>identity: B_k is the task's block of coordinates; random: a seeded random rotation within it.</summary>
    public string Basis { get; init; } = "identity";
    /// <summary>N, the width of the shared encoder U (D × N).</summary>
    public int Width { get; init; } = 16;
    /// <summary>|F|: the frequent set is the first (most frequent) this-many mixture tasks;
    /// 0 means all K of them. Interference metrics (delta_F, the gradient and its bound) use F.</summary>
    public int FrequentTasks { get; init; } = 0;
    /// <summary>An extra rare task (index K, its own block), injected on a gap schedule. Absent: none.</summary>
    public RareSpec? Rare { get; init; }
}

/// <summary>
/// The rare task of paper-spec Part 1 (retention). Frequency is the long-run fraction of all
/// training samples that belong to it. It is withheld for `gap` steps and then injected as
/// extra rows appended to that step's batch, as many as keep the cumulative fraction at
/// `frequency`, so every gap has the same long-run frequency (gap 1 = continuous).
/// Every row weighs 1/batch_size in the loss, so a sample counts the same whichever step it is in.
/// </summary>
public sealed record RareSpec
{
    /// <summary>pi_r, in (0, 0.5].</summary>
    public double Frequency { get; init; } = 0.01;
    /// <summary>G: injection every G steps (at steps G, 2G, ...).</summary>
    public long Gap { get; init; } = 1;
    /// <summary>rank-one task C_r = lambda_r b_r b_r^T (true) or lambda_r times the mixture's spectrum shape (false).</summary>
    public bool RankOne { get; init; } = true;
    /// <summary>lambda_r, the rare task's top variance.</summary>
    public double Lambda { get; init; } = 1.0;
    /// <summary>Also log metrics just before, just after and at powers of two after each injection.</summary>
    public bool DenseLogging { get; init; } = true;
}

public sealed record TrainSpec
{
    public long Steps { get; init; } = 100_000;
    public int BatchSize { get; init; } = 256;
    /// <summary>Only "adam" for the synthetic trainer.</summary>
    public string Optimizer { get; init; } = "adam";
    public double Lr { get; init; } = 1e-3;
    /// <summary>constant | cosine (decays to lr·min_lr_ratio at the last step).</summary>
    public string LrSchedule { get; init; } = "cosine";
    public double MinLrRatio { get; init; } = 0.01;
    public long WarmupSteps { get; init; } = 0;
    /// <summary>Per-task metrics are computed and written every log_every steps (and at the last step).</summary>
    public long LogEvery { get; init; } = 500;
    /// <summary>Standard deviation of the initial encoder and decoder entries.</summary>
    public double InitScale { get; init; } = 0.1;

    /// <summary>Stop a run whose logged training loss exceeds this many times its first logged value
    /// (the run diverged: lower lr). 0 = never stop for this; a non-finite loss always stops a run.</summary>
    public double MaxLossRatio { get; init; } = 100;
}

/// <summary>SQL tables and plots computed from a run's or a sweep's artifacts, in order.</summary>
public sealed record AnalysisSpec
{
    public IReadOnlyList<AnalysisTableSpec> Tables { get; init; } = [];
    public IReadOnlyList<PlotSpec> Plots { get; init; } = [];

    /// <summary>advise: the advice tables after the analysis (`pipeline advise` on this sweep): exact for a
    /// synthetic pipeline with a rare task, from the trained runs for an OLMo sweep. Absent: none.</summary>
    public AdviseSpec? Advise { get; init; }

    /// <summary>Whether there is anything to run (a table, a plot or the advice): `run` analyses only then, and `status`
    /// says an analysis that has not run only then.</summary>
    public bool HasSteps => Tables.Count + Plots.Count > 0 || Advise is not null;
}

/// <summary>A named SQL statement (a SELECT); its result becomes a DuckDB table of that name and analysis/&lt;name&gt;.arrow.</summary>
public sealed record AnalysisTableSpec
{
    public required string Name { get; init; }
    public required string Sql { get; init; }
    /// <summary>Print the result after the run (first rows).</summary>
    public bool Print { get; init; } = true;
}

/// <summary>A PNG plot rendered from SQL results.</summary>
public sealed record PlotSpec
{
    public required string Name { get; init; }
    /// <summary>heatmap | line | scatter</summary>
    public required string Kind { get; init; }
    public required string Sql { get; init; }
    public required string X { get; init; }
    public required string Y { get; init; }
    /// <summary>heatmap: the colour column.</summary>
    public string? Value { get; init; }
    /// <summary>heatmap: the values at the two ends of the colour scale, [low, high]; values beyond take the end colours.
    /// Unset: the data's own range, which paints the best cell brightest even when it is at chance (an accuracy of 0.47).</summary>
    public IReadOnlyList<double>? ValueRange { get; init; }
    /// <summary>line/scatter: one series per distinct value of this column.</summary>
    public string? Series { get; init; }
    public string Title { get; init; } = "";
    public string? XLabel { get; init; }
    public string? YLabel { get; init; }
    public bool LogX { get; init; } = false;
    public bool LogY { get; init; } = false;
    /// <summary>Lines drawn over the plot (e.g. the theory's utility staircase).</summary>
    public IReadOnlyList<OverlaySpec> Overlays { get; init; } = [];
    public int WidthPx { get; init; } = 900;
    public int HeightPx { get; init; } = 600;
}

public sealed record OverlaySpec
{
    public required string Sql { get; init; }
    public required string X { get; init; }
    public required string Y { get; init; }
    public string Label { get; init; } = "";
    /// <summary>line | step (a staircase) | points</summary>
    public string Style { get; init; } = "step";
}

public sealed record AdviseSpec
{
    /// <summary>The seed-mean test accuracy (among label tokens) that counts as learned (OLMo sweeps).</summary>
    public double TargetAccuracy { get; init; } = 0.8;

    /// <summary>With frequency: the model size (parameters, as model.arrow has it) to compare the two levers for; 0 = none.</summary>
    public long Size { get; init; }

    /// <summary>With size: the task frequency (instances per token) it is trained at now; 0 = none.</summary>
    public double Frequency { get; init; }

    /// <summary>The task kind the levers are for: comparison | modular_addition.</summary>
    public string Kind { get; init; } = "comparison";
}
