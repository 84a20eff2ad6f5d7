using System.Net;
using Azure;
using Azure.Storage.Blobs;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Ingest;

/// <summary>What ingesting one blob did.</summary>
public enum IngestOutcome
{
    /// <summary>A new article was stored.</summary>
    Created,

    /// <summary>An existing article changed.</summary>
    Updated,

    /// <summary>The article was already stored exactly so (duplicate delivery or same content re-uploaded).</summary>
    Unchanged,

    /// <summary>A newer upload of the article was already stored; this one was ignored.</summary>
    Stale,

    /// <summary>The file was moved to the rejected container with its reason.</summary>
    Rejected,

    /// <summary>The blob no longer exists (deleted, or already rejected by an earlier delivery).</summary>
    Missing,
}

/// <summary>The result of ingesting one blob.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="BlobName">The blob's name.</param>
/// <param name="ArticleId">The article id, when the file parsed.</param>
/// <param name="Problems">Why the file was rejected, when it was.</param>
public sealed record IngestResult(IngestOutcome Outcome, string BlobName, string? ArticleId, IReadOnlyList<ParseProblem> Problems);

/// <summary>
/// Ingests one blob from the incoming container: one download, parse, store. Bad input is an outcome (the file is
/// moved to <c>rejected</c> with its reason), never an exception; storage errors propagate so the host retries.
/// </summary>
public sealed partial class IngestService
{
    private readonly FrontMatterParser _parser;
    private readonly ArticleStore _store;
    private readonly RejectedFileStore _rejected;
    private readonly ILogger<IngestService> _logger;

    /// <summary>Creates the service.</summary>
    public IngestService(FrontMatterParser parser, ArticleStore store, RejectedFileStore rejected, ILogger<IngestService> logger)
    {
        _parser = parser;
        _store = store;
        _rejected = rejected;
        _logger = logger;
    }

    /// <summary>Ingests <paramref name="blob"/>.</summary>
    public async Task<IngestResult> IngestAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        Response<Azure.Storage.Blobs.Models.BlobDownloadStreamingResult> response;
        try
        {
            response = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            LogMissing(blob.Name);
            return new IngestResult(IngestOutcome.Missing, blob.Name, null, []);
        }

        using var download = response.Value;
        var size = download.Details.ContentLength;
        var version = new ArticleSource(blob.Name, download.Details.ETag.ToString(), download.Details.LastModified);

        // The size comes from the response headers, before any of the body is read: an oversized file is streamed
        // once, straight into the rejected container, and never held in memory.
        if (size > _parser.Limits.MaxFileBytes)
        {
            var tooLarge = FrontMatterParser.TooLarge(blob.Name, size, _parser.Limits.MaxFileBytes);
            await _rejected.RejectAsync(blob, version, size, download.Content, [tooLarge], cancellationToken).ConfigureAwait(false);
            return new IngestResult(IngestOutcome.Rejected, blob.Name, null, [tooLarge]);
        }

        var bytes = new byte[size];
        await download.Content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        var parsed = _parser.Parse(bytes, blob.Name);
        if (!parsed.Succeeded)
        {
            return await RejectAsync(blob, version, bytes, parsed.Problems, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var saved = await _store.SaveUploadAsync(parsed.Article, version, ct => CurrentETagAsync(blob, ct), cancellationToken).ConfigureAwait(false);
            var outcome = saved.Outcome switch
            {
                SaveOutcome.Created => IngestOutcome.Created,
                SaveOutcome.Updated => IngestOutcome.Updated,
                SaveOutcome.Unchanged => IngestOutcome.Unchanged,
                _ => IngestOutcome.Stale,
            };
            LogIngested(blob.Name, parsed.Article.Id, outcome);
            return new IngestResult(outcome, blob.Name, parsed.Article.Id, []);
        }
        catch (ArticleTooLargeException ex)
        {
            var problem = new ParseProblem(blob.Name, 1, 1, ProblemCodes.TooLargeForStorage, ex.Message);
            return await RejectAsync(blob, version, bytes, [problem], cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<string?> CurrentETagAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            return (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value.ETag.ToString();
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<IngestResult> RejectAsync(BlobClient blob, ArticleSource version, byte[] bytes, IReadOnlyList<ParseProblem> problems, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes, writable: false);
        await _rejected.RejectAsync(blob, version, bytes.Length, content, problems, cancellationToken).ConfigureAwait(false);
        return new IngestResult(IngestOutcome.Rejected, blob.Name, null, problems);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {BlobName} as article {ArticleId}: {Outcome}")]
    private partial void LogIngested(string blobName, string articleId, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {BlobName}: it no longer exists (deleted, or rejected by an earlier delivery)")]
    private partial void LogMissing(string blobName);
}
