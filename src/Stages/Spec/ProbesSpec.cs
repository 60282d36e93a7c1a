namespace Retention.Spec;

// The probes: section of an OLMo pipeline. A probe runs when its subsection is present; every
// field has a documented default. Probes never change training: they run on the trainer thread
// between steps, read the weights without touching gradients or optimizer state, and draw from
// their own generators.

public sealed record ProbesSpec
{
    /// <summary>Probe cadence in steps: DAS and Fourier run at step 0 (before training, the reference values), the
    /// gradient decomposition at step 1 (step 0 has no batch); all every n steps and at the last step. 0 = only then and at the end.</summary>
    public long Every { get; init; } = 500;

    /// <summary>DAS on a comparison task (das.arrow). Absent: not run.</summary>
    public DasProbeSpec? Das { get; init; }

    /// <summary>Fourier readout of a modular-addition task (fourier.arrow). Absent: not run.</summary>
    public FourierProbeSpec? Fourier { get; init; }

    /// <summary>Gradient decomposition over first-layer MLP neurons (gradients.arrow). Absent: not run.</summary>
    public GradientProbeSpec? Gradients { get; init; }

    /// <summary>Task loss around every injection of gapped tasks (injection_eval.arrow). Absent: not run.</summary>
    public InjectionEvalSpec? InjectionEval { get; init; }
}

public sealed record DasProbeSpec
{
    /// <summary>The comparison task probed (its name in data.tasks); empty = every comparison task (one row set each).</summary>
    public string Task { get; init; } = "";

    /// <summary>The site: the residual stream after this many blocks (0 = the token embeddings).</summary>
    public int Layer { get; init; } = 1;

    /// <summary>The site's token: tok1 (the first item, whose rank the causal model swaps) or tok2.</summary>
    public string Position { get; init; } = "tok1";

    /// <summary>Dimensions of the learned subspace (pyvene's low-rank rotated space).</summary>
    public int Rank { get; init; } = 1;

    /// <summary>Adam steps training the subspace at each probe (the model is frozen). 400: on the cpu profile's models
    /// changed-pair IIA was still rising at 100 and 200 steps (by 0.1–0.2 and 0.01–0.08) and within ±0.03 of 800's at 400,
    /// and too few steps favour the narrower model, whose subspace is easier to find (docs/benchmarks.md).</summary>
    public int Steps { get; init; } = 400;

    public double Lr { get; init; } = 0.01;

    /// <summary>Interchange pairs per Adam step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>(base, source) pairs drawn from the task's train split for training the subspace.</summary>
    public int TrainPairs { get; init; } = 2000;

    /// <summary>Pairs drawn from the test split for IIA.</summary>
    public int TestPairs { get; init; } = 500;

    /// <summary>Seed of the pairs, the subspace's initialisation and the random-rotation control.</summary>
    public int Seed { get; init; }
}

public sealed record FourierProbeSpec
{
    /// <summary>The modular-addition task probed; empty = every modular-addition task.</summary>
    public string Task { get; init; } = "";

    /// <summary>The residual-stream site: after this many blocks (0 = the embeddings).</summary>
    public int Layer { get; init; } = 1;

    /// <summary>tok1: the first operand's position, one row per residue a; tok2: the second's, averaged over a.</summary>
    public string Position { get; init; } = "tok2";

    /// <summary>How many key frequencies (those with the most energy in the embeddings) the share and losses use.</summary>
    public int KeyFrequencies { get; init; } = 5;
}

public sealed record GradientProbeSpec
{
    /// <summary>The task whose gradient g_r the batch gradients are compared with; empty = the first task.</summary>
    public string Task { get; init; } = "";

    /// <summary>First-layer MLP neurons localised for the task (the largest attribution |Σ a·∂L/∂a| over its instances).</summary>
    public int Neurons { get; init; } = 32;

    /// <summary>Task instances g_r and the localisation use (0 = all of them, the paper's 10K).</summary>
    public int Instances { get; init; }

    /// <summary>Also decompose the gradient of every injection step's batch (flagged in the table) and, as a
    /// control, of the batch half-way to the next injection, with the g_r and neurons of the latest periodic probe.</summary>
    public bool AtInjections { get; init; } = true;
}

public sealed record InjectionEvalSpec
{
    /// <summary>Train-split (injected) instances of each gapped task scored at each dense step.</summary>
    public int Instances { get; init; } = 500;
}
