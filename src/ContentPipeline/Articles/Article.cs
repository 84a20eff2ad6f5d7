using System.Text.Json.Nodes;

namespace ContentPipeline.Articles;

/// <summary>
/// A news article as read from a front-matter file: every field of the file, typed, plus the Markdown body.
/// Fields the model does not know are kept in <see cref="Extensions"/> (and in the nested types' own), so an
/// article round-trips through storage and the API without losing anything.
/// </summary>
public sealed record Article
{
    /// <summary>Stable, URL-safe id derived from the article's canonical URL (see <see cref="ArticleId"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The article's category, as written (for example <c>news</c>).</summary>
    public required string Category { get; init; }

    /// <summary>The headline.</summary>
    public required string Title { get; init; }

    /// <summary>A short summary, shown in lists and feeds.</summary>
    public string? Excerpt { get; init; }

    /// <summary>When the article was published, always in UTC (offset zero).</summary>
    public required DateTimeOffset PublishedDateTime { get; init; }

    /// <summary>The canonical URL of the article at its source; the id is derived from it when present.</summary>
    public string? OriginalUrl { get; init; }

    /// <summary>Where readers are sent.</summary>
    public required string WebUrl { get; init; }

    /// <summary>The kind of item (for example <c>article</c>).</summary>
    public string? Type { get; init; }

    /// <summary>An editorial quality score.</summary>
    public int? Quality { get; init; }

    /// <summary>A trending score; may be negative.</summary>
    public int? Heat { get; init; }

    /// <summary>Whether the article is published. Once stored, this is the effective state (an editor's toggle wins over the file).</summary>
    public bool Published { get; init; }

    /// <summary>
    /// Embargo: a published article is shown to readers from this time on, not before (UTC). Once stored, the effective
    /// time (an editor's schedule wins over the file).
    /// </summary>
    public DateTimeOffset? PublishAt { get; init; }

    /// <summary>Expiry: a published article is shown to readers until this time, not after (UTC).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The publisher of the article.</summary>
    public ArticleProvider? Provider { get; init; }

    /// <summary>Topics, in file order.</summary>
    public IReadOnlyList<string> Topics { get; init; } = [];

    /// <summary>Images, in file order; the first is the lead image.</summary>
    public IReadOnlyList<ArticleImage> Images { get; init; } = [];

    /// <summary>Related articles from other providers.</summary>
    public IReadOnlyList<RelatedArticle> Related { get; init; } = [];

    /// <summary>An opaque value for editors, kept exactly as written. Never shown to anonymous callers or in feeds.</summary>
    public string? Secured { get; init; }

    /// <summary>The Markdown body (line endings normalised to <c>\n</c>), or <see langword="null"/> when the file has none.</summary>
    public string? Body { get; init; }

    /// <summary>Front-matter fields the model does not know, kept as JSON (served as <c>extensions</c>, so they never collide with the model's own names).</summary>
    public JsonObject? Extensions { get; init; }
}
