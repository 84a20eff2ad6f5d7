using ContentPipeline.Articles;
using ContentPipeline.Storage;

namespace ContentPipeline.Changes;

/// <summary>
/// One entry of the change log: an article's state went from <paramref name="From"/> (null: a new article) to
/// <paramref name="To"/>, or a published article changed (both <see cref="ArticleState.Published"/>), as version
/// <paramref name="Version"/>, at <paramref name="At"/>. <paramref name="Summary"/> is what readers may see of it, set only
/// when it is published (never drafts' content, never <c>secured</c>, no body).
/// </summary>
public sealed record ArticleChange(string Key, string ArticleId, long Version, ArticleState? From, ArticleState To, DateTimeOffset At, ArticleSummary? Summary)
{
    /// <summary>Whether the article is in the published set after this change.</summary>
    public bool IsPublished => To == ArticleState.Published;
}
