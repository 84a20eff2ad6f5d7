namespace ContentPipeline.Sitemaps;

/// <summary>What the sitemaps part of a feed run did.</summary>
/// <param name="Urls">URLs in <c>sitemap.xml</c> (and its files), when this run rebuilt it; null when it did not.</param>
/// <param name="NewsItems">Articles in <c>news-sitemap.xml</c>, when this run rebuilt it; null when it did not.</param>
/// <param name="Written">Sitemap files written (their content changed).</param>
/// <param name="Deleted">Sitemap files deleted (numbered files no longer needed, a sitemap with nothing to list).</param>
/// <param name="Unlisted">Published articles left out: their address is not one a sitemap may list (not http(s), too long).</param>
public sealed record SitemapRunResult(int? Urls, int? NewsItems, int Written, int Deleted, int Unlisted)
{
    /// <summary>Nothing rebuilt.</summary>
    public static SitemapRunResult None { get; } = new(null, null, 0, 0, 0);
}
