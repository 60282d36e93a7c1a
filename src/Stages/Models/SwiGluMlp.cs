using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Models;

/// <summary>
/// OLMo's SwiGLU MLP: one fused projection H→MlpDim gives the value and gate halves
/// [x, gate]; silu(gate)·x (width MlpDim/2) is projected back MlpDim/2→H. No biases.
/// </summary>
public sealed class SwiGluMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear ffProj;          // H → MlpDim (value and gate halves)
    readonly Linear ffOut;           // MlpDim/2 → H
    readonly WeightCasts casts;

    /// <param name="casts">The model's weight casts (a module of its own: a fresh set).</param>
    public SwiGluMlp(OlmoConfig config, WeightCasts? casts = null) : base("SwiGluMlp")
    {
        this.casts = casts ?? new WeightCasts();
        ffProj = nn.Linear(config.Hidden, config.MlpDim, hasBias: false);
        ffOut = nn.Linear(config.MlpHidden, config.Hidden, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The fused input projection H → MlpDim: rows j (value) and j + MlpDim/2 (gate) feed neuron j.</summary>
    public Linear InProj => ffProj;

    /// <summary>The output projection MlpDim/2 → H: column j is neuron j's write to the residual stream.</summary>
    public Linear OutProj => ffOut;

    /// <summary>The gate through <see cref="FusedElementwise.SwiGlu"/> (same arithmetic, fusable on CUDA) instead of op by op.</summary>
    public bool Fused { get; set; }

    public override Tensor forward(Tensor x)
    {
        var projected = MixedPrecision.Linear(ffProj, x, casts);                    // (B, T, M)
        Tensor h;                                                                   // (B, T, M/2)
        if (Fused) h = FusedElementwise.SwiGlu(projected);
        else
        {
            var halves = projected.chunk(2, dim: -1);                               // 2 × (B, T, M/2)
            h = nn.functional.silu(halves[1]) * halves[0];
        }
        return MixedPrecision.Linear(ffOut, h, casts);                              // (B, T, C)
    }
}
