namespace ContentPipeline.Feeds;

/// <summary>One feed as <c>index.json</c> lists it.</summary>
/// <param name="Kind">all, category or topic.</param>
/// <param name="Name">The category or topic as its newest article writes it (none for the overall feed).</param>
/// <param name="Slug">The slug in the feed's paths (none for the overall feed).</param>
/// <param name="Title">The feed's title.</param>
/// <param name="Items">How many articles it holds.</param>
/// <param name="Updated">Its update time.</param>
/// <param name="Rss">Its RSS 2.0 URL.</param>
/// <param name="Atom">Its Atom 1.0 URL.</param>
/// <param name="Json">Its JSON Feed 1.1 URL.</param>
internal sealed record FeedListingEntry(string Kind, string? Name, string? Slug, string Title, int Items, DateTimeOffset Updated, string Rss, string Atom, string Json);
