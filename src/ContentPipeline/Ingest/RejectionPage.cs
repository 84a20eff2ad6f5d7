namespace ContentPipeline.Ingest;

/// <summary>One page of the rejected files' reasons, and the cursor of the next page (null on the last).</summary>
public sealed record RejectionPage(IReadOnlyList<Rejection> Items, string? Cursor);
