namespace ContentPipeline.Storage;

/// <summary>The blob an article was last ingested from.</summary>
/// <param name="BlobName">Name of the blob in the incoming container.</param>
/// <param name="ETag">The blob's ETag when it was read.</param>
/// <param name="LastModified">The blob's last-modified time; an older delivery never overwrites a newer one.</param>
public sealed record ArticleSource(string BlobName, string ETag, DateTimeOffset LastModified);
