using Retention.Training;

namespace Retention.Tests.Torch;

/// <summary>What a user is told when LibTorch does not load (README "GPU servers").</summary>
public class TorchLoadingTests
{
    [Fact]
    public void No_LibTorch_at_all_is_said_in_words_not_as_a_null_argument()
    {
        // A build published with -p:LibTorchPackage=none, run without LD_LIBRARY_PATH: TorchSharp's type initializer
        // fails on a null list of library paths (seen with that publish: "LibTorch could not be loaded (Value cannot be null)").
        var e = new TypeInitializationException("TorchSharp.torch", new ArgumentNullException("paths"));

        var line = TorchLoading.Explain(new InvalidOperationException("outer", e));

        Assert.NotNull(line);
        Assert.StartsWith("LibTorch could not be loaded (no LibTorch library was found). ", line);
        Assert.Contains("export LD_LIBRARY_PATH=", line);
    }

    [Fact]
    public void Another_load_failure_keeps_TorchSharps_first_sentence()
    {
        var e = new TypeInitializationException("TorchSharp.torch",
            new NotSupportedException("The libtorch-cpu-linux-x64 package was not found. Trace from LoadNativeBackend:\n..."));
        Assert.StartsWith("LibTorch could not be loaded (The libtorch-cpu-linux-x64 package was not found). ", TorchLoading.Explain(e));
        Assert.Null(TorchLoading.Explain(new InvalidOperationException("not a load failure")));
    }
}
