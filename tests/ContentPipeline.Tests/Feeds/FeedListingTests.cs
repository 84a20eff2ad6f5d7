using ContentPipeline.Feeds;

namespace ContentPipeline.Tests.Feeds;

public class FeedListingTests
{
    private static readonly DateTimeOffset Updated = new(2026, 11, 29, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void With_ReplacesChangedFeeds_RemovesEmptiedOnes_KeepsTheRest_InOrder()
    {
        var listing = new FeedListing("Feeds", [Entry("all", null, 3), Entry("category", "news", 2), Entry("topic", "ai", 1), Entry("topic", "old", 1)]);

        var next = listing.With([Entry("topic", "ai", 2), Entry("category", "arts", 1)], ["topic/old"]);

        Assert.Equal(
            [("all", null, 3), ("category", "arts", 1), ("category", "news", 2), ("topic", "ai", 2)],
            next.Feeds.Select(f => (f.Kind, f.Slug, f.Items)));
    }

    [Fact]
    public void AListingReadsBackAsWritten_AndAnythingElseReadsAsNone()
    {
        var listing = new FeedListing("Feeds", [Entry("all", null, 3), Entry("category", "news", 2)]);

        Assert.Equal(listing.Feeds, FeedListing.Parse(BinaryData.FromBytes(listing.ToBytes()))!.Feeds);
        Assert.Null(FeedListing.Parse(BinaryData.FromString("not json")));
        Assert.Null(FeedListing.Parse(BinaryData.FromString("{\"title\":\"x\"}")));
    }

    private static FeedListingEntry Entry(string kind, string? slug, int items) =>
        new(kind, slug, slug, $"Feeds: {slug}", items, Updated, $"https://x/{slug}.rss.xml", $"https://x/{slug}.atom.xml", $"https://x/{slug}.json");
}
