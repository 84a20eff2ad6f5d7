using ContentPipeline.Parsing;

namespace ContentPipeline.Ingest;

/// <summary>The result of ingesting one blob.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="BlobName">The blob's name.</param>
/// <param name="ArticleId">The article id, when the file parsed.</param>
/// <param name="Problems">Why the file was rejected, when it was.</param>
public sealed record IngestResult(IngestOutcome Outcome, string BlobName, string? ArticleId, IReadOnlyList<ParseProblem> Problems)
{
    /// <summary>Completes when the article's index entries are in step (see <see cref="Storage.SaveResult.Indexed"/>).</summary>
    public Task Indexed { get; init; } = Task.CompletedTask;
}
