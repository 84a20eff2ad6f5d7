namespace ContentPipeline.Stories;

/// <summary>One page of a story list. The last page has no cursor.</summary>
/// <param name="Items">The stories.</param>
/// <param name="Cursor">Opaque; pass it back for the next page. Null on the last page.</param>
public sealed record StoryPage(IReadOnlyList<StorySummary> Items, string? Cursor);
