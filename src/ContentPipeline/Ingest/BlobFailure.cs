namespace ContentPipeline.Ingest;

/// <summary>A blob that failed to ingest: how often, why the last time, and when it is tried next (null: given up).</summary>
/// <param name="BlobName">The blob's name in the incoming container.</param>
/// <param name="ETag">The version that failed, when known.</param>
/// <param name="Attempts">Failed attempts so far (a poisoned message counts as one: the host's five tries).</param>
/// <param name="LastError">The last failure's reason.</param>
/// <param name="FirstFailedAt">When it first failed.</param>
/// <param name="LastFailedAt">When it last failed.</param>
/// <param name="NextAttemptAt">When it is tried again; null when the pipeline gave up on it.</param>
public sealed record BlobFailure(
    string BlobName,
    string? ETag,
    int Attempts,
    string LastError,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt,
    DateTimeOffset? NextAttemptAt)
{
    /// <summary>Whether the pipeline gave up on it (it stays visible to editors until the blob changes or succeeds).</summary>
    public bool GaveUp => NextAttemptAt is null;
}
