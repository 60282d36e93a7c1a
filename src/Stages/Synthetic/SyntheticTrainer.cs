using Retention.Spec;
using Retention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// Trains C cells of a sweep (same mixture and train spec, own width and seed) as one tensor
/// program: stacked padded parameters (see <see cref="StudentStack"/>), one Adam over them and
/// the loss Σ_c mean_b |yhat − y|² of each cell. The sum gives every cell exactly its own
/// gradient, and Adam is elementwise, so each cell follows the trajectory it would follow alone
/// (up to float rounding in the batched kernels). A single run is a trainer of one cell.
///
/// Owns the students, Adam and the input generators: the only mutable state of the cells. All
/// calls must come from one thread (TorchSharp dispose scopes and grad mode are thread-local):
/// the graph runs it on a dedicated thread.
/// </summary>
public sealed class SyntheticTrainer : IDisposable
{
    readonly TrainSpec train;
    readonly Device device;
    readonly IReadOnlyList<CellSpec> cells;
    readonly MixtureTensors mixture;
    readonly StudentStack students;
    readonly AdamOptimizer optimizer;
    readonly Scalar perRowWeight;   // 1 / batch_size, kept alive for the trainer's life (see AdamOptimizer)
    readonly CellInputs inputs;
    readonly Tensor lossSum;   // (C) float64: Σ of each cell's minibatch loss since the last log
    readonly TaskMixture mixtureSpec;
    readonly RareSpec? rare;
    readonly DivergenceGuard[] divergence;   // one per cell: each run has its own first loss
    bool started;
    long stepsSinceLog;

    /// <summary>
    /// K and d come from <paramref name="mixtureSpec"/>; width and seed from each cell.
    /// </summary>
    /// <param name="rare">The rare task's schedule, for dense logging around its injections.</param>
    public SyntheticTrainer(TaskMixture mixtureSpec, TrainSpec train, IReadOnlyList<CellSpec> cells, Device device,
        RareSpec? rare = null)
    {
        if (cells.Count == 0) throw new ArgumentException("a trainer needs at least one cell");
        if (cells.FirstOrDefault(c => c.Width < 1) is { } bad)
            throw new ArgumentException($"cell '{bad.RunId}' has width {bad.Width}; widths are at least 1");
        this.train = train;
        this.device = device;
        this.mixtureSpec = mixtureSpec;
        this.rare = rare;
        this.cells = cells;
        divergence = [.. cells.Select(c => new DivergenceGuard(c.RunId, train.MaxLossRatio))];
        mixture = new MixtureTensors(mixtureSpec, device);
        // Separate generators per cell: model init (on the CPU, so cpu and cuda runs start alike) and inputs.
        var inits = cells.Select(c => new Generator((ulong)c.Seed * 2 + 1, CPU)).ToList();
        try
        {
            students = new StudentStack(mixtureSpec.Tasks, mixtureSpec.DimsPerTask, [.. cells.Select(c => c.Width)],
                train.InitScale, inits, device);
        }
        finally
        {
            foreach (var g in inits) g.Dispose();
        }
        inputs = new CellInputs([.. cells.Select(c => c.Seed)], mixtureSpec.InputDims, device);
        optimizer = new AdamOptimizer(students.parameters(), train.Lr);
        perRowWeight = (1.0 / train.BatchSize).ToScalar();
        lossSum = zeros(cells.Count, dtype: ScalarType.Float64, device: device);
    }

    /// <summary>One run alone (a trainer of one cell of width synthetic.width).</summary>
    public SyntheticTrainer(TaskMixture mixtureSpec, SyntheticSpec synthetic, TrainSpec train, int seed, Device device)
        : this(mixtureSpec, train, [new CellSpec("default", synthetic.Width, seed)], device) { }

    public IReadOnlyList<CellSpec> Cells => cells;
    public StudentStack Students => students;
    public MixtureTensors Mixture => mixture;

    /// <summary>A step of a one-cell trainer.</summary>
    public StepOutcome Step(TaskBatch batch) => Step(CellBatch.Of(batch));

    public StepOutcome Step(CellBatch batch)
    {
        var tasks = CheckShape(batch);
        double lr = LrSchedule.At(batch.Step, train.Steps, train.Lr, train.LrSchedule, train.WarmupSteps, train.MinLrRatio);
        using (NewDisposeScope())
        {
            optimizer.LearningRate = lr;
            int c = cells.Count, b = batch.Tasks[0].Length;
            var t = tensor(tasks, new long[] { c, b }).to(device);                           // (C, B)
            var x = inputs.Next(b, batch.Step);                                                       // (C, B, D)
            var target = mixture.Targets(x.view(c * b, -1), t.view(c * b)).view(c, b, -1);   // (C, B, d)
            var error = (students.call(x, t) - target).Squared().sum(2);                     // (C, B): squared error per sample
            // Every row weighs 1/batch_size, also in a step enlarged by rare-task injections, so a
            // sample counts the same whichever step it arrives in (equal to the mean otherwise).
            var perCell = error.sum([1]).mul_(perRowWeight);                                 // (C): each cell's minibatch loss
            optimizer.ZeroGrad();
            perCell.sum().backward();
            optimizer.Step();
            using (no_grad()) lossSum.PlusInPlace(perCell.detach().to_type(ScalarType.Float64));
            if (!started)
            {
                // The divergence reference: each cell's loss at its first step (one host read per run).
                var first = perCell.detach().cpu().to_type(ScalarType.Float64).data<double>().ToArray();
                for (int i = 0; i < first.Length; i++) divergence[i].Start(first[i]);
                started = true;
            }
        }
        stepsSinceLog++;
        bool log = batch.Step % train.LogEvery == 0 || batch.Step == train.Steps || RareSchedule.Phase(rare, batch.Step) is not null;
        if (!log) return new StepOutcome(batch.Step, lr, null, null);

        double[] means;
        using (NewDisposeScope())
        {
            means = lossSum.cpu().data<double>().Select(s => s / stepsSinceLog).ToArray();
            lossSum.zero_();
        }
        stepsSinceLog = 0;
        for (int i = 0; i < means.Length; i++)
        {
            Exception? ends = double.IsFinite(means[i]) ? divergence[i].Check(batch.Step, means[i])
                : new NonFiniteLossException(cells[i].RunId, batch.Step, means[i]);
            if (ends is not null) return new StepOutcome(batch.Step, lr, means, null, ends);
        }
        return new StepOutcome(batch.Step, lr, means, Metrics());
    }

    /// <summary>
    /// Exact metrics of every cell, one cell at a time on its unpadded U_c and D_c (so a cell's
    /// metrics are computed exactly as a run alone computes them). A batched QR over the padded
    /// (C, D, N_max) encoders with Q's padded columns masked gives the same numbers (to 1e-13),
    /// but it factors N_max columns for every cell: on the Fig-2 grid (K = 32, d = 16, widths
    /// 4…512) on the CPU it took 1.8–2.5 s against 0.1–0.2 s for this loop. Metrics run only at
    /// logging steps, so the loop's per-cell launches do not matter on a GPU either.
    /// </summary>
    IReadOnlyList<TaskMetrics> Metrics()
    {
        using var _ = NewDisposeScope();   // the per-cell views
        return [.. Enumerable.Range(0, cells.Count).Select(c =>
        {
            var (u, d) = (students.Encoder(c), students.Decoders(c));
            return ExactMetrics.Compute(u, d, mixture) with { Interference = InterferenceMetrics.Compute(u, d, mixture, mixtureSpec) };
        })];
    }

    long[] CheckShape(CellBatch batch)
    {
        if (batch.Tasks.Length != cells.Count)
            throw new ArgumentException($"step {batch.Step}: {batch.Tasks.Length} task arrays for {cells.Count} cells");
        int b = batch.Tasks[0].Length;
        var flat = new long[cells.Count * b];
        for (int c = 0; c < cells.Count; c++)
        {
            if (batch.Tasks[c].Length != b)
                throw new ArgumentException($"step {batch.Step}: cell '{cells[c].RunId}' has {batch.Tasks[c].Length} rows, cell '{cells[0].RunId}' {b}");
            for (int i = 0; i < b; i++) flat[c * b + i] = batch.Tasks[c][i];
        }
        return flat;
    }

    const string StudentsFile = "students.bin", AdamFile = "adam.bin", InputsFile = "inputs.bin", StateFile = "trainer.json";

    /// <summary>What a checkpoint holds besides the tensors: the step, the cells it trained, and the running
    /// log accumulators and divergence references (so the first log after a resume is the one without it).</summary>
    sealed record SavedState(long Step, string[] Cells, int[] Widths, int[] Seeds, bool Started, long StepsSinceLog, double[] LossSum, double?[] References);

    /// <summary>Saves everything the next step depends on (students, Adam, input generators, log accumulators)
    /// to <paramref name="dir"/>, as of the end of <paramref name="step"/>.</summary>
    public void SaveCheckpoint(string dir, long step)
    {
        Directory.CreateDirectory(dir);
        students.save(Path.Combine(dir, StudentsFile));
        optimizer.Save(Path.Combine(dir, AdamFile));
        using (var writer = new BinaryWriter(File.Create(Path.Combine(dir, InputsFile)))) inputs.Save(writer);
        double[] sums;
        using (NewDisposeScope()) sums = lossSum.cpu().data<double>().ToArray();
        var state = new SavedState(step, [.. cells.Select(c => c.RunId)], [.. cells.Select(c => c.Width)], [.. cells.Select(c => c.Seed)],
            started, stepsSinceLog, sums, [.. divergence.Select(d => d.Reference)]);
        File.WriteAllText(Path.Combine(dir, StateFile), System.Text.Json.JsonSerializer.Serialize(state));
    }

    /// <summary>The step of the checkpoint in <paramref name="dir"/> when a trainer of exactly these cells saved it; null otherwise
    /// (none, or the runs were grouped differently then: they train afresh).</summary>
    public static long? CheckpointStep(string dir, IReadOnlyList<CellSpec> cells) =>
        Read(dir) is { } s && s.Cells.SequenceEqual(cells.Select(c => c.RunId)) && s.Widths.SequenceEqual(cells.Select(c => c.Width))
            && s.Seeds.SequenceEqual(cells.Select(c => c.Seed)) ? s.Step : null;

    /// <summary>The file of the checkpoint in <paramref name="dir"/> that names the runs it trained (what <see cref="RenameCells"/> rewrites).</summary>
    public static string CellsFile(string dir) => Path.Combine(dir, StateFile);

    /// <summary>Renames the runs the checkpoint in <paramref name="dir"/> says it trained, by <paramref name="renamed"/> (old id to new):
    /// a resume of a sweep that gained a key moves each earlier run to its new id, and its group's checkpoint, which names
    /// the runs it saved, must name them so for the resume to continue from it. Nothing when there is no checkpoint there.</summary>
    public static void RenameCells(string dir, IReadOnlyDictionary<string, string> renamed)
    {
        if (Read(dir) is not { } state || !state.Cells.Any(renamed.ContainsKey)) return;
        var cells = state.Cells.Select(c => renamed.TryGetValue(c, out var to) ? to : c).ToArray();
        Artifacts.AtomicFile.WriteText(Path.Combine(dir, StateFile), System.Text.Json.JsonSerializer.Serialize(state with { Cells = cells }));
    }

    /// <summary>The step and runs (in group order) of the checkpoint in <paramref name="dir"/>, without loading it; null when there is
    /// none or it is unreadable. `pipeline status` reads it to say where a killed run's resume starts.</summary>
    public static (long Step, IReadOnlyList<string> Runs)? Describe(string dir) => Read(dir) is { } s ? (s.Step, s.Cells) : null;

    /// <summary>When the checkpoint in <paramref name="dir"/> was saved (its state file's time), or null when it has none.</summary>
    public static DateTime? SavedAt(string dir)
    {
        var path = Path.Combine(dir, StateFile);
        return File.Exists(path) ? File.GetLastWriteTimeUtc(path) : null;
    }

    /// <summary>Whether a run of the group saved a checkpoint of its own after the group's (in <paramref name="leadDir"/>):
    /// it trained on alone since (a Slurm task of that run only), so its tables no longer reach the group's step and
    /// the group's checkpoint is stale.</summary>
    public static bool Superseded(string leadDir, IEnumerable<string> memberDirs) =>
        SavedAt(leadDir) is { } saved && memberDirs.Any(d => SavedAt(d) is { } own && own > saved);

    /// <summary>Why the checkpoint in <paramref name="dir"/> cannot resume exactly these cells (null when it can): for the
    /// "training from step 0" line of a --resume.</summary>
    public static string? WhyNotResumable(string dir, IReadOnlyList<CellSpec> cells) =>
        CheckpointStep(dir, cells) is not null ? null
        : !File.Exists(Path.Combine(dir, StateFile)) ? ResumeFromZero.NoneSaved("a synthetic group saves one only")
        : Read(dir) is null ? $"{Path.Combine(dir, StateFile)} is unreadable"
        : "the checkpoint there was saved by a differently grouped attempt (other runs, widths or seeds train together now)";

    static SavedState? Read(string dir)
    {
        var path = Path.Combine(dir, StateFile);
        try
        {
            var state = File.Exists(path) ? System.Text.Json.JsonSerializer.Deserialize<SavedState>(File.ReadAllText(path)) : null;
            return state is { Cells: not null, Widths: not null, Seeds: not null } ? state : null;   // a damaged file's fields may be missing
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>Continues from a checkpoint <see cref="CheckpointStep"/> accepted: the next step is the one after it, bit for bit.</summary>
    public void LoadCheckpoint(string dir)
    {
        var state = Read(dir) ?? throw new InvalidDataException($"{dir} holds no trainer checkpoint");
        students.load(Path.Combine(dir, StudentsFile));
        optimizer.Load(Path.Combine(dir, AdamFile));
        using (var reader = new BinaryReader(File.OpenRead(Path.Combine(dir, InputsFile)))) inputs.Load(reader);
        using (no_grad())
        using (var sums = tensor(state.LossSum, dtype: ScalarType.Float64)) lossSum.copy_(sums);
        started = state.Started;
        stepsSinceLog = state.StepsSinceLog;
        for (int i = 0; i < divergence.Length; i++) divergence[i].Reference = state.References[i];
    }

    public void Dispose()
    {
        optimizer.Dispose();
        perRowWeight.Dispose();
        students.Dispose();
        mixture.Dispose();
        inputs.Dispose();
        lossSum.Dispose();
    }
}
