using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>An article as stored: its content plus the pipeline's bookkeeping.</summary>
public sealed record StoredArticle
{
    /// <summary>The content. <see cref="Article.Published"/> is the effective state (an editor's choice wins).</summary>
    public required Article Article { get; init; }

    /// <summary>
    /// The body rendered as sanitised HTML (see <c>Rendering.ArticleHtmlRenderer</c>), or null without a body. Like the
    /// body, not loaded when the body lives in blob storage.
    /// </summary>
    public string? Html { get; init; }

    /// <summary>The <see cref="ArticleJson.ContentHash(Article, string?)"/> of the article (with its HTML) as last uploaded.</summary>
    public required string ContentHash { get; init; }

    /// <summary>Where the content came from.</summary>
    public required ArticleSource Source { get; init; }

    /// <summary>Who set the publish state.</summary>
    public required PublishStateSource PublishedSetBy { get; init; }

    /// <summary>When the publish state last changed.</summary>
    public required DateTimeOffset PublishedChangedAt { get; init; }

    /// <summary>When the article was first stored.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the article's content or state last changed.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>Increases by one with every change of content or state; the HTTP ETag is derived from it.</summary>
    public required long Version { get; init; }

    /// <summary>Set while an editor's takedown holds the article down (see <see cref="ArticleState.TakenDown"/>).</summary>
    public Takedown? Takedown { get; init; }

    /// <summary>Set when the article's file was deleted (see <see cref="ArticleState.Removed"/>).</summary>
    public DateTimeOffset? RemovedAt { get; init; }

    /// <summary>The article's state at <paramref name="now"/>.</summary>
    public ArticleState StateAt(DateTimeOffset now) =>
        Takedown is not null ? ArticleState.TakenDown : RemovedAt is not null ? ArticleState.Removed : Article.StateAt(now);

    /// <summary>Where the body lives when it was too large for the entity (then <see cref="Article.Body"/> is not loaded).</summary>
    internal string? BodyBlobName { get; init; }
}
