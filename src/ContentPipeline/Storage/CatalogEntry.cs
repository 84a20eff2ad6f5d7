using Azure;

namespace ContentPipeline.Storage;

/// <summary>One published list in the index's catalog.</summary>
/// <param name="Partition">The list's partition in the index table.</param>
/// <param name="Filter">What the list holds: null for every published article.</param>
/// <param name="ChangedAt">When an entry of the list last changed (the row's Timestamp, the storage service's clock).</param>
/// <param name="ETag">The row's ETag: removing the list from the catalog succeeds only if it has not changed since.</param>
public sealed record CatalogEntry(string Partition, ArticleFilter? Filter, DateTimeOffset ChangedAt, ETag ETag);
