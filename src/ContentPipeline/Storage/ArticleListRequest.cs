namespace ContentPipeline.Storage;

/// <summary>A request for one page of a list, newest first or hot.</summary>
/// <param name="Status">Published, drafts, or both.</param>
/// <param name="Filter">At most one filter; only for <see cref="ArticleStatus.Published"/>.</param>
/// <param name="Limit">Most items on the page (1 to <see cref="ArticleQueries.MaxLimit"/>).</param>
/// <param name="Cursor">The cursor of the previous page, or null for the first.</param>
/// <param name="VisibleOnly">
/// Readers' lists: only what is shown now (an entry whose expiry passed, or whose embargo has not, is left out even
/// before the transitions timer moves it).
/// </param>
/// <param name="Order">Newest first (default) or hot.</param>
public sealed record ArticleListRequest(ArticleStatus Status, ArticleFilter? Filter, int Limit, string? Cursor, bool VisibleOnly = false, ArticleOrder Order = ArticleOrder.Newest);
