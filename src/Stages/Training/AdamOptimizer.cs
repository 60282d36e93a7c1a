using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Training;

/// <summary>
/// Adam (weight_decay = 0) or AdamW, with PyTorch's update: m ← β1·m + (1−β1)·g,
/// v ← β2·v + (1−β2)·g², p ← p·(1 − lr·wd) − (lr / (1−β1^t))·m / (sqrt(v)/sqrt(1−β2^t) + eps).
/// Weight decay is per parameter (see the constructor taking (parameter, decay) pairs), so one
/// instance can decay matrices and leave embeddings alone.
///
/// Why not torch.optim.Adam: TorchSharp 0.107's optimizers pass doubles such as eps to native
/// calls through implicitly created Scalars that nothing keeps alive, so the garbage collector
/// can free one during the call. Seen here: after ~10K steps of a synthetic run the native add_
/// failed with "Unknown scalar type" (a freed Scalar). Every Scalar here is created explicitly
/// and disposed only after its last native call; every temporary tensor wrapper (p.grad) lives in
/// a dispose scope, for the same reason.
/// </summary>
/// <remarks>
/// Fused (the OLMo trainer's default): LibTorch's own <c>_fused_adamw_</c>, reached through a
/// TorchScript function (TorchSharp exposes no fused optimizer), one call per weight-decay group
/// instead of about nine kernels per parameter; it keeps a step tensor per parameter, as PyTorch's
/// optimizer does, incremented on the device before the update (without that the result is NaN).
/// It agrees with the per-parameter update to float rounding (tested over 200 steps).
/// </remarks>
public sealed class AdamOptimizer : IDisposable
{
    readonly (Parameter Param, Tensor M, Tensor V, double Decay)[] state;
    readonly double beta1, beta2, eps;
    readonly Tensor[]? steps;   // fused only: each parameter's step count, on its device
    readonly FusedGroup[] groups;   // fused only: the parameters of each decay group, in order (fixed, so built once)
    long t;

    /// <summary>The fused update as TorchScript: compiled once, checked in a test (a script that fails to
    /// compile can abort the process, so it must never first fail on a user's run).</summary>
    internal const string FusedScript =
        "def step(params: List[Tensor], grads: List[Tensor], m: List[Tensor], v: List[Tensor], steps: List[Tensor], " +
        "lr: float, beta1: float, beta2: float, wd: float, eps: float):\n" +
        "    empty: List[Tensor] = []\n" +
        "    torch._foreach_add_(steps, 1.0)\n" +
        "    torch._fused_adamw_(params, grads, m, v, empty, steps, lr=lr, beta1=beta1, beta2=beta2, weight_decay=wd, eps=eps, amsgrad=False, maximize=False)\n";

    static readonly Lazy<torch.jit.CompilationUnit> Fused = new(() => torch.jit.compile(FusedScript));

    public AdamOptimizer(IEnumerable<Parameter> parameters, double lr, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8,
        double weightDecay = 0)
        : this(parameters.Select(p => (p, weightDecay)), lr, beta1, beta2, eps) { }

    /// <summary>Adam with a decoupled weight decay of its own for each parameter (0: none).</summary>
    /// <param name="fused">One fused kernel per decay group (see remarks) instead of the per-parameter update.</param>
    public AdamOptimizer(IEnumerable<(Parameter Param, double WeightDecay)> parameters, double lr, double beta1 = 0.9,
        double beta2 = 0.999, double eps = 1e-8, bool fused = false)
    {
        using var noGrad = no_grad();
        state = [.. parameters.Select(p => (p.Param, zeros_like(p.Param), zeros_like(p.Param), p.WeightDecay))];
        (LearningRate, this.beta1, this.beta2, this.eps) = (lr, beta1, beta2, eps);
        if (fused) steps = [.. state.Select(s => zeros(1, dtype: ScalarType.Float32, device: s.Param.device).squeeze())];
        groups = fused ? [.. Enumerable.Range(0, state.Length).GroupBy(i => state[i].Decay).Select(g => FusedGroup.Of(g.Key, [.. g], state, steps!))] : [];
    }

    /// <summary>One decay group's tensor lists for the fused kernel (the optimizer's own tensors, not copies).</summary>
    sealed record FusedGroup(double Decay, int[] Members, Tensor[] Params, Tensor[] M, Tensor[] V, Tensor[] Steps)
    {
        public static FusedGroup Of(double decay, int[] members, (Parameter Param, Tensor M, Tensor V, double Decay)[] state, Tensor[] steps) =>
            new(decay, members, [.. members.Select(i => (Tensor)state[i].Param)], [.. members.Select(i => state[i].M)],
                [.. members.Select(i => state[i].V)], [.. members.Select(i => steps[i])]);
    }

    /// <summary>Whether the update is LibTorch's fused kernel.</summary>
    public bool IsFused => steps is not null;

    public double LearningRate { get; set; }

    /// <summary>Steps taken (t of the bias corrections).</summary>
    public long StepCount => t;

    /// <summary>The decay of each parameter, in the constructor's order.</summary>
    public IReadOnlyList<double> WeightDecays => [.. state.Select(s => s.Decay)];

    public void ZeroGrad()
    {
        using var scope = NewDisposeScope();   // keeps each grad wrapper alive through its call (see Step)
        if (steps is not null) GradientLists.Zero([.. state.Select(s => s.Param.grad).OfType<Tensor>()]);   // one multi-tensor kernel
        else foreach (var (p, _, _, _) in state) p.grad?.zero_();
    }

    public void Step()
    {
        if (steps is not null)
        {
            FusedStep();
            return;
        }
        t++;
        double bc1 = 1 - Math.Pow(beta1, t), bc2 = 1 - Math.Pow(beta2, t);
        using var noGrad = no_grad();
        // p.grad returns a new wrapper whose last use is the native call: outside a scope the
        // collector could finalize it (freeing its at::Tensor) mid-call; two runs side by side
        // segfaulted in addcmul_ that way. The scope roots every wrapper until the step ends.
        using var scope = NewDisposeScope();
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var invSqrtBc2 = (1 / Math.Sqrt(bc2)).ToScalar();
        using var epsilon = eps.ToScalar();
        using var negStep = (-LearningRate / bc1).ToScalar();
        foreach (var (p, m, v, wd) in state)
        {
            if (p.grad is not { } g) continue;
            if (wd != 0)
            {
                using var decay = (1 - LearningRate * wd).ToScalar();
                p.mul_(decay);
            }
            m.mul_(b1).add_(g, alpha: oneMinusB1);
            v.mul_(b2).addcmul_(g, g, value: oneMinusB2);
            using var denom = v.sqrt();
            denom.mul_(invSqrtBc2).PlusInPlace(epsilon);
            p.addcdiv_(m, denom, value: negStep);
        }
    }

    void FusedStep()
    {
        t++;
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();   // roots the p.grad wrappers (see Step)
        // Scalars we own, not doubles: CompilationUnit.invoke turns a double into a Scalar and keeps only its
        // handle, so the collector could free it before LibTorch reads it (a run with --jobs 2 failed in
        // Scalar::toLong that way). These stay rooted until the step ends.
        using var lr = LearningRate.ToScalar();
        using var b1 = beta1.ToScalar();
        using var b2 = beta2.ToScalar();
        using var epsilon = eps.ToScalar();
        var grads = state.Select(s => s.Param.grad).ToArray();   // each read once: every read is a native call and a new wrapper
        foreach (var g in groups)
        {
            var group = g.Members.All(i => grads[i] is not null) ? g   // as in training: every parameter has a gradient
                : FusedGroup.Of(g.Decay, [.. g.Members.Where(i => grads[i] is not null)], state, steps!);
            if (group.Members.Length == 0) continue;
            using var decay = group.Decay.ToScalar();
            Fused.Value.invoke("step", group.Params, group.Members.Select(i => grads[i]!).ToArray(), group.M, group.V, group.Steps,
                lr, b1, b2, decay, epsilon);
        }
    }

    /// <summary>The state to resume from: t and each parameter's m and v (the optimizer's own tensors,
    /// not copies: save them before the next step).</summary>
    public AdamState State => new(t, [.. state.Select(s => s.M)], [.. state.Select(s => s.V)]);

    /// <summary>Copies a saved state in (t, m, v); the parameters must match in number and shapes.</summary>
    public void Load(AdamState saved)
    {
        if (saved.M.Count != state.Length || saved.V.Count != state.Length)
            throw new ArgumentException($"optimizer state holds {saved.M.Count} parameters, this optimizer {state.Length}");
        using var noGrad = no_grad();
        for (int i = 0; i < state.Length; i++)
        {
            CheckShape(i, state[i].M, saved.M[i]);
            CheckShape(i, state[i].V, saved.V[i]);
            state[i].M.copy_(saved.M[i]);
            state[i].V.copy_(saved.V[i]);
        }
        t = saved.Step;
        SyncSteps();
    }

    /// <summary>The fused kernel's per-parameter step counts follow t (after a load).</summary>
    void SyncSteps()
    {
        if (steps is null) return;
        using var noGrad = no_grad();
        using var value = ((double)t).ToScalar();
        foreach (var s in steps) s.fill_(value);
    }

    static void CheckShape(int i, Tensor mine, Tensor saved)
    {
        if (!mine.shape.SequenceEqual(saved.shape))
            throw new ArgumentException($"optimizer state of parameter {i} is ({string.Join(", ", saved.shape)}), expected ({string.Join(", ", mine.shape)})");
    }

    /// <summary>Writes t and every m and v (TorchSharp's tensor format, as Module.save uses).</summary>
    public void Save(string path)
    {
        using var file = File.Create(path);
        using var writer = new BinaryWriter(file);
        writer.Write(t);
        writer.Write(state.Length);
        foreach (var (_, m, v, _) in state) { m.Save(writer); v.Save(writer); }
    }

    /// <summary>Reads what <see cref="Save"/> wrote into this optimizer (same parameters).</summary>
    public void Load(string path)
    {
        using var file = File.OpenRead(path);
        using var reader = new BinaryReader(file);
        long step = reader.ReadInt64();
        int count = reader.ReadInt32();
        if (count != state.Length)
            throw new InvalidDataException($"'{path}' holds {count} parameters' state, this optimizer has {state.Length}");
        using var noGrad = no_grad();
        foreach (var (_, m, v, _) in state) { m.Load(reader); v.Load(reader); }
        t = step;
        SyncSteps();
    }

    public void Dispose()
    {
        foreach (var (_, m, v, _) in state) { m.Dispose(); v.Dispose(); }
        foreach (var s in steps ?? []) s.Dispose();
    }
}

/// <summary>Adam's resumable state: steps taken and the first and second moments, in parameter order.</summary>
public sealed record AdamState(long Step, IReadOnlyList<Tensor> M, IReadOnlyList<Tensor> V);
