using Retention.Probes;

namespace Retention.Tests.Probes;

/// <summary>`pipeline probe RUN --positions tok1,tok1` scanned TOK1 twice at every layer (twice the time, and each site's
/// rows twice in das.arrow and fourier.arrow), where `--layers 0,0` is refused as a layer given twice.</summary>
public sealed class SitePositionsTwiceTests
{
    [Fact]
    public void A_position_given_twice_is_refused_as_a_layer_given_twice_is()
    {
        Assert.Equal("--positions: tok1 is given twice, in 'tok1,tok2,tok1'",
            SiteScan.SiteProblem(null, ["tok1", "tok2", "tok1"], depth: 2));
    }

    [Fact]
    public void Each_position_once_passes()
    {
        Assert.Null(SiteScan.SiteProblem([0, 2], ["tok2", "tok1"], depth: 2));
        Assert.Null(SiteScan.SiteProblem(null, ["tok2"], depth: 2));
    }
}
