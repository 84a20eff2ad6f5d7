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

        var keys = IndexPartitions.For(article, DateTimeOffset.UtcNow);

        Assert.Equal(
            ["published", "published|category|news", "published|topic|ai", "published|topic|computer-vision", "published|provider|example-org"],
            keys.Select(k => k.PartitionKey));
        Assert.All(keys, k => Assert.Equal(IndexPartitions.RowKey(article.PublishedDateTime, article.Id), k.RowKey));
    }

    [Fact]
    public void For_Draft_IsOnlyInTheDraftsIndex()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Published = false };

        Assert.Equal(["drafts"], IndexPartitions.For(article, DateTimeOffset.UtcNow).Select(k => k.PartitionKey));
    }

    [Fact]
    public void Keys_NeverContainCharactersTheTableServiceForbids()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with
        {
            Category = "News/Politics #1?",
            Topics = ["C#", "a\\b", "tab\there", "\u0085next"],
        };

        foreach (var key in IndexPartitions.For(article, DateTimeOffset.UtcNow))
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

    [Theory]
    [InlineData("published", null, null)]
    [InlineData("published|category|news", ArticleFilterKind.Category, "news")]
    [InlineData("published|topic|computer-vision", ArticleFilterKind.Topic, "computer-vision")]
    [InlineData("published|provider|example-org", ArticleFilterKind.Provider, "example-org")]
    public void EveryPublishedList_ParsesBackToTheFilterItWasNamedFor(string partition, ArticleFilterKind? kind, string? slug)
    {
        Assert.True(IndexPartitions.TryParseList(partition, out var filter));
        Assert.Equal(kind is null ? null : new ArticleFilter(kind.Value, slug!), filter);
        Assert.Equal(partition, IndexPartitions.Of(filter));
    }

    [Theory]
    [InlineData("drafts")]
    [InlineData("catalog")]
    [InlineData("pending")]
    [InlineData("published|colour|red")]
    [InlineData("published|topic|")]
    [InlineData("published|topic|a|b")]
    public void WhatIsNotAPublishedList_DoesNotParse(string partition) =>
        Assert.False(IndexPartitions.TryParseList(partition, out _));
}
