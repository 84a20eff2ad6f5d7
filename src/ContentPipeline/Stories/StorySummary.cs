using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>One story of a story list: its lead and its other articles in that list, newest first.</summary>
/// <param name="Id">The story; null for an article not clustered (ingested while stories were off), listed alone.</param>
/// <param name="Sources">How many distinct sources cover it (all its articles, not only this list's).</param>
/// <param name="Lead">The article of highest quality, then the earliest, among those the list shows.</param>
/// <param name="Articles">Its other articles the list shows.</param>
/// <param name="UpdatedAt">Publication time of its newest article in the list (newest-first lists sort by it).</param>
public sealed record StorySummary(string? Id, int Sources, ArticleSummary Lead, IReadOnlyList<ArticleSummary> Articles, DateTimeOffset UpdatedAt);
