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

    /// <summary>Whether an article belongs in this feed.</summary>
    public bool Includes(ArticleSummary item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return Kind switch
        {
            FeedKind.All => true,
            FeedKind.Category => Articles.Slug.From(item.Category) == Slug,
            _ => item.Topics.Any(t => Articles.Slug.From(t) == Slug),
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
