using ContentPipeline.Storage;

namespace ContentPipeline.Changes;

/// <summary>
/// One page of a sync: articles published or changed (as readers see them), articles that left the published set, and
/// either the token of the next page (more now) or the token to sync with later (caught up).
/// </summary>
public sealed record SyncPage(IReadOnlyList<ArticleSummary> Articles, IReadOnlyList<SyncDeletion> Deleted, string? NextPageToken, string? SyncToken);

/// <summary>An article that left the published set, and why: <c>unpublished</c>, <c>scheduled</c>, <c>expired</c>, <c>taken-down</c>, <c>removed</c>.</summary>
public sealed record SyncDeletion(string Id, string Reason);
