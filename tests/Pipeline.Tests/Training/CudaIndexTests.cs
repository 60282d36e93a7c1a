using Retention.Training;

namespace Retention.Tests.Training;

/// <summary>`device: cuda:N` on a GPU machine without GPU N: refused before anything runs, with how many it has, as a
/// machine without CUDA is (LibTorch would take the index and fail at the first tensor, mid-run). The count is given,
/// so this runs without a GPU.</summary>
public class CudaIndexTests
{
    [Theory]
    [InlineData("cuda:1", 1, "device 'cuda:1' was asked for but this machine has 1 CUDA device (cuda:0;")]
    [InlineData("cuda:4", 4, "this machine has 4 CUDA devices (cuda:0 to cuda:3;")]
    [InlineData("cuda:99999999999", 8, "this machine has 8 CUDA devices")]   // past int: never an index
    public void An_index_the_machine_lacks_is_refused_naming_the_ones_it_has(string name, int count, string expected) =>
        Assert.Contains(expected, Devices.MissingIndex(name, count));

    [Theory]
    [InlineData("cuda:0", 1)]
    [InlineData("cuda:3", 4)]
    [InlineData("cuda", 1)]
    public void An_index_it_has_or_none_passes(string name, int count) => Assert.Null(Devices.MissingIndex(name, count));
}
