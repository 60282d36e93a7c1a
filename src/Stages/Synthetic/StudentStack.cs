using Retention.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Retention.Synthetic;

/// <summary>
/// The students of C cells of a sweep (paper-spec Part 1), stacked so that one kernel
/// advances them all. Cell c has a shared encoder U_c (D × N_c) and one linear decoder
/// D_ck (d × N_c) per task; prediction yhat = D_ck U_c^T x. Cells differ in width, so the
/// parameters are padded to N_max: columns j ≥ N_c are zero at the start and, because the
/// forward pass masks them out of h = U^T x, get exactly zero gradient and stay zero under
/// Adam (m = v = 0 gives a zero update). A single run is a stack of one (no padding).
/// </summary>
public sealed class StudentStack : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Parameter encoder;   // U stacked: (C, D, N_max)
    readonly Parameter decoders;  // D_k stacked: (C, K, d, N_max)
    readonly Tensor columns;      // (C, 1, N_max): 1 on a cell's real columns, 0 on its padding
    readonly int[] widths;

    /// <summary>
    /// Cell c's real columns are drawn exactly as a run alone draws them: randn(D, N_c) and
    /// then randn(K, d, N_c) from <paramref name="inits"/>[c], times init_scale (on the CPU,
    /// so cpu and cuda runs start alike), then padded with zeros.
    /// </summary>
    public StudentStack(int tasks, int dimsPerTask, IReadOnlyList<int> widths, double initScale,
        IReadOnlyList<Generator> inits, Device device) : base("StudentStack")
    {
        if (widths.Count == 0 || widths.Count != inits.Count)
            throw new ArgumentException($"{widths.Count} widths for {inits.Count} init generators");
        this.widths = [.. widths];
        int c = widths.Count, d = dimsPerTask, dims = tasks * dimsPerTask, nMax = widths.Max();
        using var scale = initScale.ToScalar();
        using (NewDisposeScope())
        using (no_grad())
        {
            var u = zeros(c, dims, nMax);                                            // (C, D, N_max)
            var dec = zeros(c, tasks, d, nMax);                                      // (C, K, d, N_max)
            var mask = zeros(c, 1, nMax);                                            // (C, 1, N_max)
            for (int i = 0; i < c; i++)
            {
                int n = widths[i];
                u[i].narrow(1, 0, n).copy_(randn(dims, n, generator: inits[i]).mul_(scale));        // (D, N_c)
                dec[i].narrow(2, 0, n).copy_(randn(tasks, d, n, generator: inits[i]).mul_(scale));  // (K, d, N_c)
                mask[i].narrow(1, 0, n).fill_(SafeArithmetic.One);
            }
            encoder = new Parameter(u.to(device).MoveToOuterDisposeScope());
            decoders = new Parameter(dec.to(device).MoveToOuterDisposeScope());
            columns = mask.to(device).MoveToOuterDisposeScope();
        }
        RegisterComponents();
    }

    public int Cells => widths.Length;
    public IReadOnlyList<int> Widths => widths;
    /// <summary>All cells' encoders, padded: (C, D, N_max).</summary>
    public Tensor Encoders => encoder;
    /// <summary>All cells' decoders, padded: (C, K, d, N_max).</summary>
    public Tensor AllDecoders => decoders;

    /// <summary>Cell c's encoder without padding: a view (D, N_c) of the parameter.</summary>
    public Tensor Encoder(int cell) => encoder[cell].narrow(1, 0, widths[cell]);

    /// <summary>Cell c's decoders without padding: a view (K, d, N_c) of the parameter.</summary>
    public Tensor Decoders(int cell) => decoders[cell].narrow(2, 0, widths[cell]);

    /// <summary>Predictions for inputs x (C, B, D) of tasks t (C, B): returns (C, B, d).</summary>
    /// <remarks>
    /// Every task's decoder is applied to every row and the row's own task picked after: K·d = D
    /// outputs per row, so the decoders cost one GEMM the size of the encoder's. Gathering each
    /// row's D_k first (C·B, d, N) does 1/K of the multiplies, but the gathered weights and their
    /// scattered gradient are memory-bound: measured on the CPU (K = 32, d = 16, B = 256) a step
    /// took 14 ms against 6 ms at N = 512 alone, and 355 ms against 75 ms for the 11 Fig-2 cells
    /// (a 92 MB intermediate per step, past glibc's 32 MB mmap threshold, so freshly faulted in).
    /// </remarks>
    public override Tensor forward(Tensor x, Tensor tasks)
    {
        long c = x.shape[0], b = x.shape[1], k = decoders.shape[1], d = decoders.shape[2], n = decoders.shape[3];
        // Masking h (rather than the weights) zeroes both gradients of the padding with one small
        // product: dU_pad = x^T·0 and dD_pad = (dy)^T·h_pad = 0, exactly.
        var h = x.bmm(encoder) * columns;                                          // (C, B, N)
        var all = h.bmm(decoders.view(c, k * d, n).transpose(1, 2));               // (C, B, K·d): every task's prediction
        var pick = tasks.view(c, b, 1, 1).expand(c, b, 1, d);                      // (C, B, 1, d)
        return all.view(c, b, k, d).gather(2, pick).squeeze(2);                    // (C, B, d)
    }
}
