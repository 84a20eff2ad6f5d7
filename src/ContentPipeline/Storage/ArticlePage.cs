namespace ContentPipeline.Storage;

/// <summary>One page of a list. A page may be short; the last page has no cursor.</summary>
/// <param name="Items">The articles, newest first.</param>
/// <param name="Cursor">Opaque; pass it back for the next page. Null on the last page.</param>
public sealed record ArticlePage(IReadOnlyList<ArticleSummary> Items, string? Cursor);
