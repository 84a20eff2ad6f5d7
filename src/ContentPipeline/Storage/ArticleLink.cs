using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// What a sitemap needs of a list entry: the article's address, title and times, and the fields that say whether it is
/// still shown (an entry whose expiry passed stays in its list until the transitions timer moves it). A few hundred bytes
/// per entry, so reading a whole list for the sitemap costs a fraction of reading its summaries.
/// </summary>
public sealed record ArticleLink(
    string Id, string Title, string WebUrl, DateTimeOffset PublishedDateTime, DateTimeOffset UpdatedAt, bool Published, DateTimeOffset? PublishAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>The state the entry's own fields give at <paramref name="now"/>.</summary>
    public ArticleState StateAt(DateTimeOffset now) => ArticleStates.At(Published, PublishAt, ExpiresAt, now);
}
