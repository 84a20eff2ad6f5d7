using ContentPipeline.Storage;

namespace ContentPipeline.Stories;

/// <summary>One story as the API shows it: its lead first, then its other articles, newest first.</summary>
/// <param name="Id">The story.</param>
/// <param name="Sources">How many distinct sources cover it.</param>
/// <param name="Tag">Its entity tag (what editors name in If-Match to split or merge it).</param>
/// <param name="Lead">Its article of highest quality, then the earliest, among those the caller may see.</param>
/// <param name="Articles">Its other articles the caller may see.</param>
public sealed record StoryDetail(string Id, int Sources, string Tag, ArticleSummary Lead, IReadOnlyList<ArticleSummary> Articles);
