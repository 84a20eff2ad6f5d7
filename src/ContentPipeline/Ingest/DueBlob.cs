namespace ContentPipeline.Ingest;

/// <summary>A failed blob whose next attempt is due.</summary>
/// <param name="Container">Its container.</param>
/// <param name="BlobName">Its name.</param>
/// <param name="ETag">The version that failed, when known.</param>
/// <param name="Due">When the attempt was due.</param>
/// <param name="RowKey">The schedule entry's key (to remove it once done).</param>
public sealed record DueBlob(string Container, string BlobName, string? ETag, DateTimeOffset Due, string RowKey);
