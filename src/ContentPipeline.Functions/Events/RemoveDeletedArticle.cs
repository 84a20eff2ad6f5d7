using ContentPipeline.Diagnostics;
using ContentPipeline.Ingest;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions.Events;

/// <summary>
/// Removes the article of a file deleted from the incoming container: Event Grid delivers the storage account's
/// <c>BlobDeleted</c> events here (its own subscription, with the same dead-letter destination as ingest's). Event Grid
/// delivers at least once and in no set order; the core makes that safe. A malformed event is logged and dropped (a
/// retry would not mend it); storage errors throw, so Event Grid retries.
/// </summary>
public sealed partial class RemoveDeletedArticle(DeletedFileHandler deletions, ILogger<RemoveDeletedArticle> logger)
{
    [Function(nameof(RemoveDeletedArticle))]
    public async Task RunAsync([EventGridTrigger] string eventJson, CancellationToken cancellationToken)
    {
        if (!BlobEvent.TryParse(eventJson, out var blobEvent, out var error))
        {
            LogMalformed(LogText.Escape(error));
            return;
        }

        if (blobEvent.EventType != BlobEvent.BlobDeletedType)
        {
            LogOtherType(LogText.Escape(blobEvent.EventType));
            return;
        }

        await deletions.HandleAsync(blobEvent.Container, blobEvent.BlobName, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped an event that is not a blob event: {Error}")]
    private partial void LogMalformed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped a {EventType} event: only blob deletions are handled here (check the subscription's filter)")]
    private partial void LogOtherType(string eventType);
}
