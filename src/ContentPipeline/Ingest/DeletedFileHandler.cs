using Azure.Storage.Blobs;
using ContentPipeline.Diagnostics;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Ingest;

/// <summary>
/// Handles a file deleted from the incoming container (a <c>BlobDeleted</c> event): the article whose current source it
/// is leaves every index, and its body blobs go. Which article came from a file is what ingest recorded for it
/// (<see cref="IngestStateStore"/>). Idempotent, and safe against late events: a file that exists again, a file that
/// is no longer its article's source, and a file the pipeline itself moved to <c>rejected</c> change nothing.
/// </summary>
public sealed partial class DeletedFileHandler
{
    private readonly ArticleStore _store;
    private readonly IngestService _ingest;
    private readonly IngestStateStore _state;
    private readonly StoryAssigner _stories;
    private readonly BlobContainerClient _incoming;
    private readonly ILogger<DeletedFileHandler> _logger;

    /// <summary>Creates the handler.</summary>
    public DeletedFileHandler(ArticleStore store, IngestService ingest, IngestStateStore state, StoryAssigner stories, BlobServiceClient blobs, ILogger<DeletedFileHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        _store = store;
        _ingest = ingest;
        _state = state;
        _stories = stories;
        _incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        _logger = logger;
    }

    /// <summary>
    /// Handles the deletion of <paramref name="blobName"/> in <paramref name="containerName"/>, both as the event named
    /// them: checked (<see cref="BlobNames"/>) before any client is built.
    /// </summary>
    public async Task<DeletionOutcome> HandleAsync(string containerName, string blobName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(containerName);
        ArgumentNullException.ThrowIfNull(blobName);
        if (!BlobNames.TryGetClient(_incoming, containerName, blobName, out var blob, out _))
        {
            LogIgnored(LogText.Escape(containerName), LogText.Escape(blobName));
            return DeletionOutcome.Ignored;
        }

        var outcome = await DecideAsync(blob, cancellationToken).ConfigureAwait(false);
        LogHandled(LogText.Escape(blobName), outcome);
        return outcome;
    }

    private async Task<DeletionOutcome> DecideAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        if ((await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            return DeletionOutcome.FileExists;
        }

        // A rejected version was moved by the pipeline itself, and the article (from an earlier good version, if any)
        // stays as it was: ingest records the rejection before it moves the file. Any other record names the article
        // the file last carried, even when its latest version failed (failures keep the article id).
        var record = await _state.GetOutcomeAsync(_incoming.Name, blob.Name, cancellationToken).ConfigureAwait(false);
        if (record is not { ArticleId: { } articleId } || record.Outcome == BlobOutcome.Rejected)
        {
            return DeletionOutcome.NoArticle;
        }

        var removed = await _store.RemoveAsync(articleId, blob.Name, cancellationToken).ConfigureAwait(false);
        if (removed.Outcome is SaveOutcome.NotFound or SaveOutcome.Unchanged)
        {
            // Removed already (by an earlier delivery of this event, which may have stopped before taking it out of its
            // story), or never stored.
            await _stories.RemoveAsync(articleId, cancellationToken).ConfigureAwait(false);
        }

        if (removed.Outcome != SaveOutcome.Updated)
        {
            return removed.Outcome switch
            {
                SaveOutcome.TakenDown => DeletionOutcome.TakenDown,
                SaveOutcome.NotFound => DeletionOutcome.NoArticle,
                _ => DeletionOutcome.NotCurrentSource,
            };
        }

        // A file uploaded again between the check above and the removal was ingested into the article just removed:
        // ingest it again (it is newer than the removed version), so the article follows the file that exists.
        if ((await blob.ExistsAsync(cancellationToken).ConfigureAwait(false)).Value)
        {
            await _ingest.IngestAsync(blob.Name, cancellationToken).ConfigureAwait(false);
            return DeletionOutcome.FileExists;
        }

        await _stories.RemoveAsync(articleId, cancellationToken).ConfigureAwait(false);
        return DeletionOutcome.Removed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored the deletion of {Container}/{BlobName}: only safe names in the incoming container are handled")]
    private partial void LogIgnored(string container, string blobName);

    [LoggerMessage(Level = LogLevel.Information, Message = "File {BlobName} was deleted: {Outcome}")]
    private partial void LogHandled(string blobName, DeletionOutcome outcome);
}
