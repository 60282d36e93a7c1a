namespace Retention.Models;

/// <summary>
/// Shape of the OLMo-style decoder of paper-spec Part 2: no biases, non-parametric layer norm,
/// SwiGLU MLP, rotary position embeddings, untied input and output embeddings.
/// <see cref="MlpDim"/> is the table's "MLP dim": the width of the fused SwiGLU input projection
/// (value and gate halves), so the MLP's hidden size is <see cref="MlpHidden"/> = MlpDim / 2.
/// </summary>
public sealed record OlmoConfig(
    int Layers,
    int Hidden,
    int MlpDim,
    int Heads,
    int VocabSize = 50_304,
    int MaxSeqLen = 2048,
    double RopeTheta = 10_000,
    double InitStd = 0.02)
{
    /// <summary>Hidden size of the SwiGLU MLP (half the fused input projection).</summary>
    public int MlpHidden => MlpDim / 2;

    /// <summary>Per-head width Hidden / Heads.</summary>
    public int HeadDim => Hidden / Heads;

    /// <summary>The paper's model table (paper-spec Part 2).</summary>
    public static OlmoConfig Preset(string name, int vocab = 50_304) => name switch
    {
        "4M" => new(Layers: 8, Hidden: 64, MlpDim: 512, Heads: 8, VocabSize: vocab),
        "20M" => new(Layers: 16, Hidden: 192, MlpDim: 1_536, Heads: 8, VocabSize: vocab),
        "300M" => new(Layers: 16, Hidden: 1_024, MlpDim: 8_192, Heads: 16, VocabSize: vocab),
        "1B" => new(Layers: 16, Hidden: 2_048, MlpDim: 16_384, Heads: 16, VocabSize: vocab),
        "4B" => new(Layers: 16, Hidden: 4_096, MlpDim: 32_768, Heads: 32, VocabSize: vocab),
        _ => throw new ArgumentException($"unknown OLMo preset '{name}' (4M, 20M, 300M, 1B, 4B)"),   // no parameter name: users read it
    };

    /// <summary>The preset names in the table's order.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["4M", "20M", "300M", "1B", "4B"];

    /// <summary>
    /// Trainable parameters, analytically: 2·V·H (untied embedding and lm_head) plus per layer
    /// 4·H² (qkv H→3H and out H→H) + H·MlpDim (fused SwiGLU input) + (MlpDim/2)·H (MLP output).
    /// Layer norms have no parameters and no Linear has a bias.
    /// </summary>
    public long ParameterCount()
    {
        long v = VocabSize, h = Hidden, m = MlpDim, l = Layers;
        return 2 * v * h + l * (4 * h * h + h * m + (m / 2) * h);
    }

    /// <summary>The most parameters a shape of these sizes has at any vocabulary an int holds, in Int128: a shape past a
    /// long's range (hidden: 1000000000 for 1000) counted negative in <see cref="ParameterCount"/>, and so passed the memory check.</summary>
    public static Int128 MostParameters(int layers, int hidden, int mlpDim)
    {
        Int128 h = hidden, m = mlpDim;
        return 2 * (Int128)int.MaxValue * h + layers * (4 * h * h + h * m + m / 2 * h);
    }

    /// <summary>Throws unless the shape is buildable (heads divide hidden, even head dim and MLP dim).</summary>
    public OlmoConfig Validated()
    {
        if (Layers <= 0 || Hidden <= 0 || MlpDim <= 0 || Heads <= 0 || VocabSize <= 0 || MaxSeqLen <= 0)
            throw new ArgumentException($"OLMo config sizes must be positive: {this}");
        if (Hidden % Heads != 0)
            throw new ArgumentException($"hidden {Hidden} is not divisible by heads {Heads}");
        if (HeadDim % 2 != 0)
            throw new ArgumentException($"head dim {HeadDim} must be even for rotary embeddings");
        if (MlpDim % 2 != 0)
            throw new ArgumentException($"MLP dim {MlpDim} must be even (fused value and gate halves)");
        return this;
    }
}
