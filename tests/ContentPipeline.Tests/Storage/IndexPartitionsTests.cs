using ContentPipeline.Storage;

namespace ContentPipeline.Tests.Storage;

public class IndexPartitionsTests
{
    [Fact]
    public void RowKey_OrdersNewestFirst()
    {
        var older = IndexPartitions.RowKey(new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero), "b");
        var newer = IndexPartitions.RowKey(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero), "a");
        var epoch = IndexPartitions.RowKey(DateTimeOffset.MinValue, "a");

        Assert.True(string.CompareOrdinal(newer, older) < 0);
        Assert.Equal(older.Length, newer.Length);
        Assert.StartsWith("3155378975999999999|", epoch, StringComparison.Ordinal);
    }

    [Fact]
    public void For_PublishedArticle_ListsEveryPublishedIndexOnce()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Topics = ["AI", "ai", "Computer Vision"] };

        var keys = IndexPartitions.For(article);

        Assert.Equal(
            ["published", "published|category|news", "published|topic|ai", "published|topic|computer-vision", "published|provider|example-org"],
            keys.Select(k => k.PartitionKey));
        Assert.All(keys, k => Assert.Equal(IndexPartitions.RowKey(article.PublishedDateTime, article.Id), k.RowKey));
    }

    [Fact]
    public void For_Draft_IsOnlyInTheDraftsIndex()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Published = false };

        Assert.Equal(["drafts"], IndexPartitions.For(article).Select(k => k.PartitionKey));
    }

    [Fact]
    public void Keys_NeverContainCharactersTheTableServiceForbids()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with
        {
            Category = "News/Politics #1?",
            Topics = ["C#", "a\\b", "tab\there", "\u0085next"],
        };

        foreach (var key in IndexPartitions.For(article))
        {
            Assert.DoesNotContain(key.PartitionKey + key.RowKey, c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
            Assert.True(key.PartitionKey.Length < 1024);
        }
    }

    [Fact]
    public void ProviderSlug_PrefersDomainOverName()
    {
        Assert.Equal("theiet-org", IndexPartitions.ProviderSlug(new() { Name = "IET", Domain = "theiet.org" }));
        Assert.Equal("iet", IndexPartitions.ProviderSlug(new() { Name = "IET" }));
        Assert.Null(IndexPartitions.ProviderSlug(null));
    }
}
