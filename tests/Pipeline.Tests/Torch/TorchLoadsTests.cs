using static TorchSharp.torch;

namespace Retention.Tests.Torch;

/// <summary>Proves the native LibTorch loads here (on Debian 12 only thanks to the weak-version
/// fix in build/PatchLibTorchSharp.targets) and computes correctly.</summary>
public class TorchLoadsTests
{
    [Fact]
    public void MatmulAndAutogradRunOnTheCpu()
    {
        var a = tensor(new float[] { 1, 2, 3, 4 }, [2, 2], requires_grad: true);
        var b = tensor(new float[] { 5, 6, 7, 8 }, [2, 2]);
        var y = a.matmul(b).sum();          // = Σ_ij (a b)_ij
        y.backward();
        Assert.Equal(1*5 + 2*7 + 1*6 + 2*8 + 3*5 + 4*7 + 3*6 + 4*8, y.item<float>());
        // d/da_ik Σ_ij a_ik b_kj = Σ_j b_kj: row sums of b.
        Assert.Equal(new float[] { 11, 15, 11, 15 }, a.grad!.data<float>().ToArray());
    }

    [Fact]
    public void PatchedLibraryIsWhatLoaded()
    {
        // The build output's copy must carry the weak flag (or the system must be new enough);
        // the fallback copy into cpu/ from the NuGet cache would be the unpatched one.
        _ = ones(1);
        var dir = AppContext.BaseDirectory;
        Assert.False(Directory.Exists(Path.Combine(dir, "cpu")),
            "TorchSharp fell back to copying natives into cpu/: the patched libLibTorchSharp.so did not load");
    }
}
