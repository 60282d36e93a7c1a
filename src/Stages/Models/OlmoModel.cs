using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// The OLMo-style decoder of paper-spec Part 2: token embedding V×H, <c>Layers</c> pre-norm
/// blocks, a final non-parametric norm and an untied lm_head H→V without bias.
/// Initialisation is OLMo's "normal" scheme: every Linear and Embedding weight is drawn from
/// N(0, InitStd²) (std 0.02), with no depth scaling of the output projections.
/// </summary>
public sealed class OlmoModel : nn.Module<Tensor, Tensor>
{
    readonly Embedding wte;                  // V × H
    readonly ModuleList<OlmoBlock> blocks;
    readonly LayerNormNoParams lnF;
    readonly Linear lmHead;                  // H → V
    readonly OlmoConfig config;
    readonly WeightCasts casts = new();

    /// <summary>Builds the model on the CPU (move it with <c>to(device)</c>); draws from
    /// <paramref name="generator"/> when given, else from the global generator.</summary>
    public OlmoModel(OlmoConfig config, Generator? generator = null) : base("OlmoModel")
    {
        this.config = config.Validated();
        wte = nn.Embedding(config.VocabSize, config.Hidden);
        blocks = new ModuleList<OlmoBlock>();
        for (int i = 0; i < config.Layers; i++) blocks.Add(new OlmoBlock(config, casts));
        lnF = new LayerNormNoParams(config.Hidden);
        lmHead = nn.Linear(config.Hidden, config.VocabSize, hasBias: false);
        RegisterComponents();
        Initialise(generator);
    }

    public OlmoConfig Config => config;

    /// <summary>How the Linear layers get their weights in the compute dtype (shared per step by the trainer).</summary>
    public WeightCasts WeightCasts => casts;

    /// <summary>Every Linear layer (the weights <see cref="WeightCasts"/> casts).</summary>
    public IEnumerable<Linear> LinearLayers => modules().OfType<Linear>();

    public IReadOnlyList<OlmoBlock> Blocks => [.. blocks];

    /// <summary>
    /// The dtype of the matmuls (attention, MLP, lm_head): float32, or bfloat16 for mixed precision
    /// (<see cref="MixedPrecision"/>). Parameters stay float32 either way; logits are float32.
    /// </summary>
    public ScalarType ComputeDtype
    {
        get => computeDtype;
        set
        {
            if (value is not (ScalarType.Float32 or ScalarType.BFloat16))
                throw new ArgumentException($"compute dtype must be Float32 or BFloat16, not {value}");
            computeDtype = value;
            foreach (var block in blocks) block.ComputeDtype = value;
        }
    }
    ScalarType computeDtype = ScalarType.Float32;

    /// <summary>Rotary embeddings and SwiGLU gates through <see cref="FusedElementwise"/> (TorchScript, fusable on
    /// CUDA) rather than op by op; the same arithmetic either way (tested).</summary>
    public bool FusedElementwise
    {
        get => blocks.Count > 0 && blocks[0].Mlp.Fused;
        set
        {
            foreach (var block in blocks) block.Attention.Rotary.Fused = block.Mlp.Fused = value;
        }
    }

    /// <summary>Trainable parameter count of the built module (Σ numel over parameters()).</summary>
    public long CountParameters() => parameters().Sum(p => p.numel());

    /// <summary>The token embedding matrix V × H (for probes reading the embeddings).</summary>
    public Tensor TokenEmbeddings => wte.weight!;

    /// <summary>tokens (B, T) int64 → logits (B, T, V), float32.</summary>
    public override Tensor forward(Tensor tokens) => LogitsFrom(Residual(tokens, 0), 0);

    /// <summary>The residual stream after the first <paramref name="layers"/> blocks (0: the embeddings), (B, T, C).
    /// With <see cref="LogitsFrom"/> it is the forward pass split at a layer, for probes that intervene there.</summary>
    public Tensor Residual(Tensor tokens, int layers)
    {
        if (tokens.dim() != 2 || tokens.shape[1] > config.MaxSeqLen)
            throw new ArgumentException($"tokens must be (B, T ≤ {config.MaxSeqLen}), got ({string.Join(", ", tokens.shape)})");
        if (layers < 0 || layers > config.Layers) throw new ArgumentOutOfRangeException(nameof(layers), $"the model has {config.Layers} layers");
        var x = wte.call(tokens);                                                   // (B, T, C)
        for (int i = 0; i < layers; i++) x = blocks[i].call(x);                     // (B, T, C)
        return x;
    }

    /// <summary>The logits (B, T, V), float32, from the residual stream after <paramref name="layers"/> blocks.</summary>
    public Tensor LogitsFrom(Tensor residual, int layers)
    {
        var logits = ComputeLogitsFrom(residual, layers);                           // (B, T, V)
        return logits.dtype == ScalarType.Float32 ? logits : logits.to(ScalarType.Float32);
    }

    /// <summary>tokens (B, T) → logits (B, T, V) in the compute dtype, not widened: for a loss that widens inside
    /// its own kernel (<see cref="Training.TokenLoss"/>) instead of writing a float32 copy of every logit.</summary>
    public Tensor ComputeLogits(Tensor tokens) => ComputeLogitsFrom(Residual(tokens, 0), 0);

    Tensor ComputeLogitsFrom(Tensor residual, int layers)
    {
        var x = residual;
        for (int i = layers; i < config.Layers; i++) x = blocks[i].call(x);         // (B, T, C)
        x = lnF.call(x).to(computeDtype);                                           // (B, T, C)
        return MixedPrecision.Linear(lmHead, x, casts);                             // (B, T, V), compute dtype
    }

    /// <summary>OLMo "normal" init: N(0, InitStd) for all Linear and Embedding weights.</summary>
    void Initialise(Generator? generator)
    {
        using var _ = no_grad();
        // Tensor.normal_, not nn.init.normal_: TorchSharp 0.107's nn.init.normal_ ignores its
        // generator argument (two models built from equal seeds differed), so runs were not reproducible.
        foreach (var (_, p) in named_parameters())
            p.normal_(0.0, config.InitStd, generator);
    }
}
