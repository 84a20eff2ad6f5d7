namespace ContentPipeline.Ingest;

/// <summary>What one sweep run did.</summary>
/// <param name="Listed">Blobs listed.</param>
/// <param name="Ingested">Blobs without an outcome that were ingested now.</param>
/// <param name="Failed">Blobs that failed to ingest (recorded; the re-driver tries them again).</param>
/// <param name="PassComplete">Whether the run reached the end of the container (the next run starts over).</param>
public sealed record SweepResult(int Listed, int Ingested, int Failed, bool PassComplete);
