using Retention.Messages;

namespace Retention.Tests.Messages;

public class CountedTests
{
    [Theory]
    [InlineData(0, "0 steps")]
    [InlineData(1, "1 step")]
    [InlineData(2, "2 steps")]
    public void A_noun_takes_an_s_for_any_count_but_one(long n, string expected) =>
        Assert.Equal(expected, Counted.Of(n, "step"));

    [Theory]
    [InlineData(1, "1 micro-batch")]
    [InlineData(2, "2 micro-batches")]
    [InlineData(0, "0 micro-batches")]
    public void An_irregular_plural_is_said_as_given(long n, string expected) =>
        Assert.Equal(expected, Counted.Of(n, "micro-batch", plural: "micro-batches"));

    [Fact]
    public void A_format_writes_the_count_beside_an_irregular_plural() =>
        Assert.Equal($"{4000:N0} passes", Counted.Of(4000, "pass", "N0", "passes"));
}
