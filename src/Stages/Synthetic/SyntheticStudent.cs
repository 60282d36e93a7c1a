using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The student of paper-spec Part 1: a shared encoder U (D × N) and one linear decoder D_k
/// (d × N) per task; prediction yhat = D_k U^T x. Both start as N(0, init_scale²).
/// </summary>
public sealed class SyntheticStudent : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Parameter encoder;   // U: (D, N)
    readonly Parameter decoders;  // D_k stacked: (K, d, N)

    public SyntheticStudent(int tasks, int dimsPerTask, int width, double initScale, Generator init, Device device)
        : base("SyntheticStudent")
    {
        int inputDims = tasks * dimsPerTask;
        encoder = new Parameter(randn(inputDims, width, generator: init) * initScale);
        decoders = new Parameter(randn(tasks, dimsPerTask, width, generator: init) * initScale);
        RegisterComponents();
        this.to(device);
    }

    public Tensor Encoder => encoder;
    public Tensor Decoders => decoders;

    /// <summary>Predictions for inputs x (B, D) of tasks t (B): returns (B, d).</summary>
    public override Tensor forward(Tensor x, Tensor tasks)
    {
        var h = x.matmul(encoder);                              // (B, N)
        var dec = decoders.index_select(0, tasks);              // (B, d, N)
        return dec.bmm(h.unsqueeze(2)).squeeze(2);              // (B, d)
    }
}
