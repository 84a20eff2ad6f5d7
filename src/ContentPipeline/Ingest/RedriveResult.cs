namespace ContentPipeline.Ingest;

/// <summary>What one re-drive run did.</summary>
/// <param name="Poisoned">Poison messages taken and recorded as failed blobs.</param>
/// <param name="Ingested">Due blobs that went through (stored, unchanged, stale or rejected).</param>
/// <param name="Failed">Due blobs that failed again.</param>
public sealed record RedriveResult(int Poisoned, int Ingested, int Failed);
