using ContentPipeline.Articles;
using ContentPipeline.Stories;

namespace ContentPipeline.Storage;

/// <summary>
/// What an index entry carries about an article: enough for a list page or a feed item without reading the
/// article itself. Never the body, the related items or <see cref="Article.Secured"/>.
/// </summary>
public sealed record ArticleSummary
{
    /// <summary>Longest rendered body an index entry carries (characters): entries stay far below the 1 MB entity limit.</summary>
    public const int MaxContentHtmlLength = 100_000;

    /// <summary>The article id.</summary>
    public required string Id { get; init; }

    /// <summary>The headline.</summary>
    public required string Title { get; init; }

    /// <summary>The short summary.</summary>
    public string? Excerpt { get; init; }

    /// <summary>Publication time, UTC.</summary>
    public required DateTimeOffset PublishedDateTime { get; init; }

    /// <summary>The category as written.</summary>
    public required string Category { get; init; }

    /// <summary>The topics as written.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>The provider's name and domain.</summary>
    public ArticleProvider? Provider { get; init; }

    /// <summary>Where readers are sent.</summary>
    public required string WebUrl { get; init; }

    /// <summary>The kind of item.</summary>
    public string? Type { get; init; }

    /// <summary>Editorial quality score.</summary>
    public int? Quality { get; init; }

    /// <summary>Trending score.</summary>
    public int? Heat { get; init; }

    /// <summary>The lead image (the article's first image).</summary>
    public ArticleImage? Image { get; init; }

    /// <summary>
    /// The body as sanitised HTML, for the feeds' full content: set when it is at most <see cref="MaxContentHtmlLength"/>
    /// characters (a feed item whose body renders longer carries its excerpt only). Not read for API lists.
    /// </summary>
    public string? ContentHtml { get; init; }

    /// <summary>Effective publish state.</summary>
    public required bool Published { get; init; }

    /// <summary>Embargo: shown to readers from then on (UTC).</summary>
    public DateTimeOffset? PublishAt { get; init; }

    /// <summary>Expiry: shown to readers until then (UTC).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// The article's state when the list was read (<c>draft</c>, <c>scheduled</c>, <c>published</c>, <c>expired</c>,
    /// <c>taken-down</c>); set by the queries, not stored.
    /// </summary>
    public string? State { get; init; }

    /// <summary>The article's story and how many sources cover it; set by the queries, not stored (null: not clustered).</summary>
    public StoryLink? Story { get; init; }

    /// <summary>When the article last changed (feeds use it as the item's update time).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The state the entry's own fields give at <paramref name="now"/> (a takedown is its list's to say).</summary>
    public ArticleState StateAt(DateTimeOffset now) => ArticleStates.At(Published, PublishAt, ExpiresAt, now);

    /// <summary>The projection of a stored article.</summary>
    public static ArticleSummary From(StoredArticle stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var a = stored.Article;
        return new ArticleSummary
        {
            Id = a.Id,
            Title = a.Title,
            Excerpt = a.Excerpt,
            PublishedDateTime = a.PublishedDateTime,
            Category = a.Category,
            Topics = a.Topics,
            Provider = a.Provider is null ? null : new ArticleProvider { Name = a.Provider.Name, Domain = a.Provider.Domain },
            WebUrl = a.WebUrl,
            Type = a.Type,
            Quality = a.Quality,
            Heat = a.Heat,
            Image = a.Images.Count == 0 ? null : a.Images[0] with { Extensions = null },
            ContentHtml = stored.Html is { Length: <= MaxContentHtmlLength } html ? html : null,
            Published = a.Published,
            PublishAt = a.PublishAt,
            ExpiresAt = a.ExpiresAt,
            UpdatedAt = stored.UpdatedAt,
        };
    }
}
