namespace Retention.Training;

/// <summary>
/// Optimisation settings of an OLMo run: AdamW (β1, β2, eps, decoupled weight decay on the 2-D
/// weights of Linear layers only, not the embedding), linear warm-up then <see cref="Schedule"/> (cosine decay to
/// Lr·MinLrRatio at <see cref="Steps"/>, or constant), clipping by global gradient norm (0: off), and
/// <see cref="GradAccumulation"/> micro-batches per step (the batch's rows split evenly).
/// <see cref="Seed"/> seeds the model's initialisation; nothing else in training is random.
/// <see cref="Precision"/>: auto | fp32 | bf16, the matmul dtype (<see cref="Models.MixedPrecision"/>);
/// auto is bf16 on CUDA and fp32 on the CPU. Weights and optimiser state are float32 in every case.
/// <see cref="FusedOptimizer"/>: one fused AdamW kernel per decay group (<see cref="AdamOptimizer"/>), else the
/// per-parameter update; they agree to float rounding (tested). <see cref="FusedElementwise"/>: rotary and SwiGLU
/// through TorchScript (<see cref="Models.FusedElementwise"/>), for LibTorch's fuser on CUDA.
/// </summary>
public sealed record OlmoTrainSpec(
    long Steps,
    long WarmupSteps = 0,
    double Lr = 3e-4,
    double MinLrRatio = 0.1,
    double WeightDecay = 0.1,
    double Beta1 = 0.9,
    double Beta2 = 0.95,
    double Eps = 1e-8,
    double ClipGradNorm = 1.0,
    int GradAccumulation = 1,
    long CheckpointEvery = 0,
    long Seed = 0,
    string Precision = "auto",
    bool FusedOptimizer = true,
    bool FusedElementwise = false,
    string Schedule = "cosine")
{
    public OlmoTrainSpec Validated()
    {
        if (Steps <= 0) throw new ArgumentException($"steps must be positive: {this}");
        if (WarmupSteps < 0 || CheckpointEvery < 0) throw new ArgumentException($"warm-up and checkpoint interval must be ≥ 0: {this}");
        if (GradAccumulation < 1) throw new ArgumentException($"gradient accumulation must be ≥ 1: {this}");
        if (Lr <= 0 || MinLrRatio < 0 || MinLrRatio > 1) throw new ArgumentException($"need lr > 0 and 0 ≤ min lr ratio ≤ 1: {this}");
        if (WeightDecay < 0 || ClipGradNorm < 0 || Eps <= 0) throw new ArgumentException($"need weight decay, clip ≥ 0 and eps > 0: {this}");
        if (!Models.MixedPrecision.Names.Contains(Precision))
            throw new ArgumentException($"unknown precision '{Precision}'; allowed: {string.Join(", ", Models.MixedPrecision.Names)}");
        if (Beta1 is < 0 or >= 1 || Beta2 is < 0 or >= 1) throw new ArgumentException($"betas must lie in [0, 1): {this}");
        return this;
    }

    /// <summary>Learning rate of a (1-based) step.</summary>
    public double LrAt(long step) => LrSchedule.At(step, Steps, Lr, Schedule, WarmupSteps, MinLrRatio);

    /// <summary>Whether a checkpoint is due after <paramref name="step"/>.</summary>
    public bool CheckpointDue(long step) => CheckpointEvery > 0 && step % CheckpointEvery == 0;
}

/// <summary>What one step did: its number (1-based), the loss (token mean, averaged over micro-batches),
/// the learning rate used and the global gradient norm before clipping. Loss and norm are read from the
/// device only when the step asked for them (<c>read</c>, at logging steps); otherwise they are NaN.</summary>
public sealed record OlmoStepOutcome(long Step, double Loss, double Lr, double GradNorm);
