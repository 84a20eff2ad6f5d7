using System.Globalization;
using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Diagnostics;
using ContentPipeline.Parsing;
using ContentPipeline.Rendering;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Ingest;

/// <summary>
/// Ingests one blob from the incoming container: one download, parse, store. Bad input is an outcome (the file is
/// moved to <c>rejected</c> with its reason), never an exception; storage errors propagate so the host retries.
/// </summary>
public sealed partial class IngestService
{
    private readonly FrontMatterParser _parser;
    private readonly ArticleHtmlRenderer _renderer;
    private readonly ArticleStore _store;
    private readonly RejectedFileStore _rejected;
    private readonly IngestStateStore _state;
    private readonly StoryAssigner _stories;
    private readonly BlobContainerClient _incoming;
    private readonly ILogger<IngestService> _logger;

    /// <summary>Creates the service.</summary>
    public IngestService(FrontMatterParser parser, ArticleHtmlRenderer renderer, ArticleStore store, RejectedFileStore rejected, IngestStateStore state, StoryAssigner stories, BlobServiceClient blobs, ILogger<IngestService> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _parser = parser;
        _renderer = renderer;
        _store = store;
        _rejected = rejected;
        _state = state;
        _stories = stories;
        _incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        _logger = logger;
    }

    /// <summary>Ingests the blob called <paramref name="blobName"/> in the incoming container.</summary>
    public Task<IngestResult> IngestAsync(string blobName, CancellationToken cancellationToken) =>
        IngestAsync(StorageNames.IncomingContainer, blobName, cancellationToken);

    /// <summary>
    /// Ingests a delivered blob (see <see cref="IngestAsync(string, string, string?, CancellationToken)"/>) whose version
    /// the caller does not know.
    /// </summary>
    public Task<IngestResult> IngestAsync(string containerName, string blobName, CancellationToken cancellationToken) =>
        IngestAsync(containerName, blobName, listedETag: null, cancellationToken);

    /// <summary>
    /// Ingests a delivered blob. The container and name come from outside (an event, a listing, the admin API), so they
    /// are checked before any client is built: only the incoming container is read, and only the exact blob named.
    /// A blob that fails the check is left untouched and the reason is recorded (see <see cref="BlobNames"/>). Every
    /// outcome is recorded against the blob version it is about (<see cref="IngestStateStore"/>), so the sweep can tell
    /// which blobs no event brought.
    /// </summary>
    /// <param name="containerName">The delivered container.</param>
    /// <param name="blobName">The delivered name.</param>
    /// <param name="listedETag">The version a listing saw (the sweep): lets an unsafe name, which is never read, have its outcome recorded too.</param>
    /// <param name="cancellationToken">Cancels the ingest.</param>
    public async Task<IngestResult> IngestAsync(string containerName, string blobName, string? listedETag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(containerName);
        ArgumentNullException.ThrowIfNull(blobName);
        using var stage = PipelineTelemetry.Stage(PipelineTelemetry.Stages.Ingest);
        try
        {
            if (!BlobNames.TryGetClient(_incoming, containerName, blobName, out var blob, out var unsafeName))
            {
                await _rejected.RecordUnsafeNameAsync(containerName, blobName, listedETag, unsafeName, cancellationToken).ConfigureAwait(false);
                if (listedETag is not null)
                {
                    await _state.RecordOutcomeAsync(containerName, blobName, listedETag, BlobOutcome.Rejected, articleId: null, cancellationToken).ConfigureAwait(false);
                }

                return new IngestResult(IngestOutcome.Rejected, blobName, null, [unsafeName]);
            }

            return await IngestAsync(blob, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (PipelineTelemetry.Failed(stage, ex))
        {
            throw; // never reached: the filter only records the failure on the span
        }
    }

    private async Task<IngestResult> IngestAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        var cap = _parser.Limits.MaxFileBytes;
        ArticleSource version;
        long size;
        byte[] bytes;
        try
        {
            // One request that never transfers more than the cap: the first cap + 1 bytes, with the blob's properties
            // (ETag, Last-Modified, total size in Content-Range) in its headers.
            using var downloading = PipelineTelemetry.Stage(PipelineTelemetry.Stages.Download);
            using var download = (await blob.DownloadStreamingAsync(new BlobDownloadOptions { Range = new HttpRange(0, cap + 1) }, cancellationToken).ConfigureAwait(false)).Value;
            version = new ArticleSource(blob.Name, download.Details.ETag.ToString(), download.Details.LastModified);
            size = TotalSize(download.Details);
            if (size > cap)
            {
                var tooLarge = FrontMatterParser.TooLarge(blob.Name, size, cap);
                await _state.RecordOutcomeAsync(_incoming.Name, blob.Name, version.ETag, BlobOutcome.Rejected, articleId: null, cancellationToken).ConfigureAwait(false);
                await _rejected.RejectByCopyAsync(blob, version, size, [tooLarge], cancellationToken).ConfigureAwait(false);
                return new IngestResult(IngestOutcome.Rejected, blob.Name, null, [tooLarge]);
            }

            bytes = new byte[download.Details.ContentLength];
            await download.Content.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            LogMissing(LogText.Escape(blob.Name));
            return new IngestResult(IngestOutcome.Missing, blob.Name, null, []);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // An empty blob has no byte 0: it is an empty file (rejected below as having no front matter).
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
            (version, size, bytes) = (new ArticleSource(blob.Name, properties.ETag.ToString(), properties.LastModified), properties.ContentLength, []);
        }

        ParseResult parsed;
        using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.Parse))
        {
            parsed = _parser.Parse(bytes, blob.Name);
        }

        if (!parsed.Succeeded)
        {
            return await RejectAsync(blob, version, bytes, parsed.Problems, cancellationToken).ConfigureAwait(false);
        }

        // Rendered once per delivery, here, so that the API and the feeds only ever serve it.
        string? html;
        using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.Render))
        {
            html = _renderer.Render(parsed.Article.Body);
        }

        if (html is { Length: var length } && length > _parser.Limits.MaxHtmlLength)
        {
            var tooLong = new ParseProblem(blob.Name, parsed.BodyLine, 1, ProblemCodes.TooLong,
                string.Create(CultureInfo.InvariantCulture, $"the body renders to {length:N0} characters of HTML; the limit is {_parser.Limits.MaxHtmlLength:N0}"));
            return await RejectAsync(blob, version, bytes, [tooLong], cancellationToken).ConfigureAwait(false);
        }

        try
        {
            SaveResult saved;
            using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.Save))
            {
                saved = await _store.SaveUploadAsync(parsed.Article, html, version, blob.GetCurrentETagAsync, cancellationToken).ConfigureAwait(false);
            }

            var outcome = saved.Outcome switch
            {
                SaveOutcome.Created => IngestOutcome.Created,
                SaveOutcome.Updated => IngestOutcome.Updated,
                SaveOutcome.Unchanged => IngestOutcome.Unchanged,
                SaveOutcome.TakenDown => IngestOutcome.TakenDown,
                _ => IngestOutcome.Stale,
            };
            var recorded = outcome switch
            {
                IngestOutcome.Unchanged => BlobOutcome.Unchanged,
                IngestOutcome.Stale => BlobOutcome.Stale,
                IngestOutcome.TakenDown => BlobOutcome.TakenDown,
                _ => BlobOutcome.Stored,
            };
            if (outcome is IngestOutcome.Created or IngestOutcome.Updated or IngestOutcome.Unchanged && saved.Article is { } stored)
            {
                // Before the outcome is recorded: should it fail, the trigger's retry delivers the file again, the save
                // answers unchanged, and the article is put into its story then. (A taken-down article keeps its place.)
                using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.Story))
                {
                    await _stories.AssignAsync(stored, created: outcome == IngestOutcome.Created && stored.Version == 1, cancellationToken).ConfigureAwait(false);
                }
            }

            using (PipelineTelemetry.Stage(PipelineTelemetry.Stages.Outcome))
            {
                await _state.RecordOutcomeAsync(_incoming.Name, blob.Name, version.ETag, recorded, parsed.Article.Id, cancellationToken).ConfigureAwait(false);
            }

            LogIngested(LogText.Escape(blob.Name), parsed.Article.Id, outcome);
            return new IngestResult(outcome, blob.Name, parsed.Article.Id, []) { Indexed = saved.Indexed };
        }
        catch (ArticleTooLargeException ex)
        {
            var problem = new ParseProblem(blob.Name, 1, 1, ProblemCodes.TooLargeForStorage, ex.Message);
            return await RejectAsync(blob, version, bytes, [problem], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The blob's whole size: from <c>Content-Range: bytes 0-n/total</c> when the answer is partial.</summary>
    private static long TotalSize(BlobDownloadDetails details) =>
        details.ContentRange is { } range && range.LastIndexOf('/') is var slash and >= 0
            && long.TryParse(range.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var total)
            ? total
            : details.ContentLength;

    private async Task<IngestResult> RejectAsync(BlobClient blob, ArticleSource version, byte[] bytes, IReadOnlyList<ParseProblem> problems, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(bytes, writable: false);
        // Recorded first: moving the file deletes it from incoming, and the deletion's event must find that the
        // pipeline moved it (see DeletedFileHandler). Should the move fail, the retry moves it again.
        await _state.RecordOutcomeAsync(_incoming.Name, blob.Name, version.ETag, BlobOutcome.Rejected, articleId: null, cancellationToken).ConfigureAwait(false);
        await _rejected.RejectAsync(blob, version, bytes.Length, content, problems, cancellationToken).ConfigureAwait(false);
        return new IngestResult(IngestOutcome.Rejected, blob.Name, null, problems);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ingested {BlobName} as article {ArticleId}: {Outcome}")]
    private partial void LogIngested(string blobName, string articleId, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Skipped {BlobName}: it no longer exists (deleted, or rejected by an earlier delivery)")]
    private partial void LogMissing(string blobName);
}
