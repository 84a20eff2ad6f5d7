namespace ContentPipeline.Articles;

/// <summary>Where an article stands in its life, at a given moment.</summary>
public enum ArticleState
{
    /// <summary>Not published: editors only.</summary>
    Draft,

    /// <summary>Published, but its <see cref="Article.PublishAt"/> has not come yet: editors only until then.</summary>
    Scheduled,

    /// <summary>Shown to everyone.</summary>
    Published,

    /// <summary>Published, but its <see cref="Article.ExpiresAt"/> has passed: editors only.</summary>
    Expired,

    /// <summary>Taken down by an editor: gone from every list and feed, and no upload brings it back until restored.</summary>
    TakenDown,

    /// <summary>Its file was deleted: gone from every list and feed until a file brings it back.</summary>
    Removed,
}
