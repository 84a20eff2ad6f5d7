namespace ContentPipeline.Sitemaps;

/// <summary>One URL of a sitemap with the time its page last changed.</summary>
public sealed record SitemapUrl(Uri Location, DateTimeOffset LastModified);
