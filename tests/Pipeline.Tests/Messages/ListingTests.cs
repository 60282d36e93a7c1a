using Retention.Messages;

namespace Retention.Tests.Messages;

public class ListingTests
{
    [Theory]
    [InlineData(new string[0], "")]
    [InlineData(new[] { "a" }, "a")]
    [InlineData(new[] { "a", "b", "c" }, "a, b, c")]
    [InlineData(new[] { "a", "b", "c", "d" }, "a, b, c and 1 more")]
    [InlineData(new[] { "a", "b", "c", "d", "e", "f", "g" }, "a, b, c and 4 more")]
    public void A_long_list_shows_its_first_three_and_counts_the_rest(string[] items, string expected) =>
        Assert.Equal(expected, Listing.FirstFew(items));
}
