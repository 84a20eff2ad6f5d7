namespace ContentPipeline.Storage;

/// <summary>What a read of the catalog found.</summary>
/// <param name="Lists">The lists that changed after the time asked for (all lists when none was).</param>
/// <param name="ReadAt">The storage service's clock when it answered (the Date header).</param>
public sealed record CatalogRead(IReadOnlyList<CatalogEntry> Lists, DateTimeOffset ReadAt);
