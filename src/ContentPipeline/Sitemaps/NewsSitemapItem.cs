namespace ContentPipeline.Sitemaps;

/// <summary>One article of the news sitemap.</summary>
public sealed record NewsSitemapItem(Uri Location, string Title, DateTimeOffset PublicationDate);
