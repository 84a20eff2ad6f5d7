namespace ContentPipeline.Ingest;

/// <summary>The recorded outcome of a blob: for which version (ETag), what happened, and the article it carried.</summary>
/// <param name="BlobName">The blob's name, as delivered.</param>
/// <param name="ETag">The version the outcome is about, unquoted; a blob whose current ETag differs has no outcome yet.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="ArticleId">The article the blob carried, when it parsed.</param>
/// <param name="At">When the outcome was recorded.</param>
public sealed record BlobOutcomeRecord(string BlobName, string ETag, BlobOutcome Outcome, string? ArticleId, DateTimeOffset At)
{
    /// <summary>Whether the pipeline is done with this version (as opposed to waiting to try it again).</summary>
    public bool IsFinal => Outcome is not BlobOutcome.Failed;
}
