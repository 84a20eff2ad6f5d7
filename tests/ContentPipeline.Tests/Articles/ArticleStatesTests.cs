using ContentPipeline.Articles;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using ContentPipeline.Tests.Parsing;
using ContentPipeline.Tests.Storage;

namespace ContentPipeline.Tests.Articles;

/// <summary>An article's state from its publish flag and the clock, and the index keys each state gives it.</summary>
public class ArticleStatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 8, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(false, null, null, ArticleState.Draft)]
    [InlineData(false, -60, 60, ArticleState.Draft)]
    [InlineData(true, null, null, ArticleState.Published)]
    [InlineData(true, 1, null, ArticleState.Scheduled)] // one second before the embargo ends
    [InlineData(true, 0, null, ArticleState.Published)] // at publishAt: published
    [InlineData(true, null, 0, ArticleState.Expired)] // at expiresAt: expired
    [InlineData(true, null, 1, ArticleState.Published)]
    [InlineData(true, -60, 60, ArticleState.Published)]
    public void StateAt_FollowsTheFlagAndTheClock(bool published, int? publishAtSeconds, int? expiresAtSeconds, ArticleState expected)
    {
        var state = ArticleStates.At(published, Offset(publishAtSeconds), Offset(expiresAtSeconds), Now);

        Assert.Equal(expected, state);
    }

    [Fact]
    public void NextChange_IsTheEmbargoWhileScheduled_TheExpiryWhilePublished_AndNothingAfter()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Published = true, PublishAt = Now.AddHours(1), ExpiresAt = Now.AddHours(2) };

        Assert.Equal(Now.AddHours(1), article.NextChange(Now));
        Assert.Equal(Now.AddHours(2), article.NextChange(Now.AddHours(1)));
        Assert.Null(article.NextChange(Now.AddHours(2)));
        Assert.Null((article with { Published = false }).NextChange(Now));
    }

    [Fact]
    public void IndexKeys_OfAScheduledArticle_AreTheScheduledListAndTheDueEntryOfItsEmbargo()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Published = true, PublishAt = Now.AddHours(1) };

        var keys = IndexPartitions.For(article, Now);

        Assert.Equal(["scheduled", "due"], keys.Select(k => k.PartitionKey));
        Assert.Equal(IndexPartitions.DueKey(Now.AddHours(1), article.Id), keys[1]);
        Assert.StartsWith($"{Now.AddHours(1).UtcTicks:D19}|", keys[1].RowKey, StringComparison.Ordinal);
    }

    [Fact]
    public void IndexKeys_OfAPublishedArticleThatExpires_IncludeTheDueEntryOfItsExpiry_AndOfAnExpiredOne_OnlyTheExpiredList()
    {
        var article = ArticleEntityCodecTests.Sample(null).Article with { Published = true, ExpiresAt = Now.AddHours(1) };

        Assert.Contains(IndexPartitions.DueKey(Now.AddHours(1), article.Id), IndexPartitions.For(article, Now));
        Assert.Contains(IndexPartitions.Published, IndexPartitions.For(article, Now).Select(k => k.PartitionKey));
        Assert.Equal(["expired"], IndexPartitions.For(article, Now.AddHours(1)).Select(k => k.PartitionKey));
    }

    [Fact]
    public void IndexKeys_OfATakenDownArticle_AreOnlyTheTakenDownList_AndOfARemovedOne_None()
    {
        var stored = ArticleEntityCodecTests.Sample(null) with { };
        var takenDown = stored with { Takedown = new Takedown(Now, "key:0123456789ab", null), RemovedAt = Now };
        var removed = stored with { RemovedAt = Now };

        Assert.Equal(["takendown"], IndexPartitions.For(takenDown, Now).Select(k => k.PartitionKey));
        Assert.Empty(IndexPartitions.For(removed, Now));
        Assert.Equal(ArticleState.TakenDown, takenDown.StateAt(Now));
        Assert.Equal(ArticleState.Removed, removed.StateAt(Now));
        Assert.Equal("taken-down", ArticleState.TakenDown.Name());
    }

    [Fact]
    public void Parse_ReadsPublishAtAndExpiresAt_InUtc()
    {
        var article = ProblemAssert.Succeeded(ArticleText.With("publishAt: 2026-12-01T07:00:00+01:00", "expiresAt: 2027-01-01").Parse());

        Assert.Equal(new DateTimeOffset(2026, 12, 1, 6, 0, 0, TimeSpan.Zero), article.PublishAt);
        Assert.Equal(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), article.ExpiresAt);
    }

    [Fact]
    public void Parse_AnExpiryNotAfterTheEmbargo_IsRejectedAtItsLine()
    {
        ProblemAssert.Single(ArticleText.With("publishAt: 2026-12-01T06:00:00Z", "expiresAt: 2026-12-01T06:00:00Z").Parse(),
            ProblemCodes.InvalidDate, ArticleText.FirstAddedLine + 1, 12, "'expiresAt'", "must come after 'publishAt'");
    }

    [Fact]
    public void Parse_ABadPublishAt_IsAnInvalidDate()
    {
        ProblemAssert.Single(ArticleText.With("publishAt: next tuesday").Parse(), ProblemCodes.InvalidDate, ArticleText.FirstAddedLine, 12, "publishAt");
    }

    private static DateTimeOffset? Offset(int? seconds) => seconds is { } s ? Now.AddSeconds(s) : null;
}
