using ContentPipeline.Storage;

namespace ContentPipeline.Feeds;

/// <summary>
/// One feed and where it lives in the <c>feeds</c> container: <c>all.{rss.xml,atom.xml,json}</c>,
/// <c>category/{slug}.…</c>, <c>topic/{slug}.…</c>.
/// </summary>
/// <param name="Kind">What it lists.</param>
/// <param name="Name">The category or topic as written in the newest article that has it (null for All).</param>
/// <param name="Slug">The slug in its path (null for All).</param>
public sealed record FeedDefinition(FeedKind Kind, string? Name, string? Slug)
{
    /// <summary>The overall feed.</summary>
    public static FeedDefinition All { get; } = new(FeedKind.All, null, null);

    /// <summary>The blob path without format suffix.</summary>
    public string BasePath => Kind switch
    {
        FeedKind.All => "all",
        FeedKind.Category => $"category/{Slug}",
        _ => $"topic/{Slug}",
    };

    /// <summary>The blob path of one format.</summary>
    public string PathOf(FeedFormat format) => BasePath + Suffix(format);

    /// <summary>The feed of a published list: none for a provider's list (providers have no feeds).</summary>
    public static FeedDefinition? Of(ArticleFilter? list) => list switch
    {
        null => All,
        { Kind: ArticleFilterKind.Category } => new FeedDefinition(FeedKind.Category, null, list.Slug),
        { Kind: ArticleFilterKind.Topic } => new FeedDefinition(FeedKind.Topic, null, list.Slug),
        _ => null,
    };

    /// <summary>The index list this feed shows the newest of.</summary>
    public string Partition => IndexPartitions.Of(Kind switch
    {
        FeedKind.All => null,
        FeedKind.Category => new ArticleFilter(ArticleFilterKind.Category, Slug!),
        _ => new ArticleFilter(ArticleFilterKind.Topic, Slug!),
    });

    /// <summary>This feed named as its newest article writes its category or topic.</summary>
    public FeedDefinition NamedBy(ArticleSummary newest)
    {
        ArgumentNullException.ThrowIfNull(newest);
        return Kind switch
        {
            FeedKind.All => this,
            FeedKind.Category => this with { Name = newest.Category },
            _ => this with { Name = newest.Topics.FirstOrDefault(t => Articles.Slug.From(t) == Slug) ?? Slug },
        };
    }

    /// <summary>File suffix of a format.</summary>
    public static string Suffix(FeedFormat format) => format switch
    {
        FeedFormat.Rss => ".rss.xml",
        FeedFormat.Atom => ".atom.xml",
        _ => ".json",
    };

    /// <summary>Media type of a format.</summary>
    public static string ContentType(FeedFormat format) => format switch
    {
        FeedFormat.Rss => "application/rss+xml; charset=utf-8",
        FeedFormat.Atom => "application/atom+xml; charset=utf-8",
        _ => "application/feed+json; charset=utf-8",
    };
}
