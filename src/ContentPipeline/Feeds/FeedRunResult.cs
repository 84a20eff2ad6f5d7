using ContentPipeline.Sitemaps;

namespace ContentPipeline.Feeds;

/// <summary>What one feed run did.</summary>
/// <param name="Skipped">No published list changed since the last run: one read of the catalog, nothing written.</param>
/// <param name="ArticlesRead">Published index entries read.</param>
/// <param name="Written">Blobs written (their content changed).</param>
/// <param name="Unchanged">Blobs whose content was already current (not rewritten).</param>
/// <param name="Deleted">Blobs deleted (feeds of categories and topics with no published article left).</param>
/// <param name="Feeds">Feeds published (each in three formats).</param>
public sealed record FeedRunResult(bool Skipped, int ArticlesRead, int Written, int Unchanged, int Deleted, int Feeds)
{
    /// <summary>Changed feed files the WebSub hub was told of (<see cref="FeedOptions.HubUrl"/>).</summary>
    public int HubNotified { get; init; }

    /// <summary>Changed feed files the hub could not be told of (logged; the run still succeeds).</summary>
    public int HubFailed { get; init; }

    /// <summary>The public URLs of the feed files this run wrote (what the hub and the <c>feeds.changed</c> webhook are told of).</summary>
    public IReadOnlyList<Uri> ChangedFeeds { get; init; } = [];

    /// <summary>What the run did to the sitemaps (null when they are off).</summary>
    public SitemapRunResult? Sitemaps { get; init; }
}
