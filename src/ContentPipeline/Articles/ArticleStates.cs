namespace ContentPipeline.Articles;

/// <summary>An article's state at a moment, from its publish flag, embargo and expiry.</summary>
public static class ArticleStates
{
    /// <summary>The state of an article that is neither taken down nor removed.</summary>
    public static ArticleState At(bool published, DateTimeOffset? publishAt, DateTimeOffset? expiresAt, DateTimeOffset now) =>
        !published ? ArticleState.Draft
        : publishAt is { } from && now < from ? ArticleState.Scheduled
        : expiresAt is { } until && now >= until ? ArticleState.Expired
        : ArticleState.Published;

    /// <summary>The state of an article that is neither taken down nor removed.</summary>
    public static ArticleState StateAt(this Article article, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(article);
        return At(article.Published, article.PublishAt, article.ExpiresAt, now);
    }

    /// <summary>The state's name in the API and in logs: <c>draft</c>, <c>taken-down</c>, and so on.</summary>
    public static string Name(this ArticleState state) => state switch
    {
        ArticleState.TakenDown => "taken-down",
        _ => state.ToString().ToLowerInvariant(),
    };

    /// <summary>The next moment the state of an article changes by the clock alone, if any.</summary>
    public static DateTimeOffset? NextChange(this Article article, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(article);
        return article.StateAt(now) switch
        {
            ArticleState.Scheduled => article.PublishAt,
            ArticleState.Published => article.ExpiresAt,
            _ => null,
        };
    }
}
