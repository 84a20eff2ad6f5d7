using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// The blobs extension's shared queue for the Event Grid source, <c>azure-webjobs-blobtrigger-{hostId}</c> in
/// <c>AzureWebJobsStorage</c>: the webhook turns each event into a message here, and the listener runs the function for
/// each message. It survives restarts, so an event accepted is never lost with the process.
/// </summary>
public sealed class BlobTriggerQueue(StorageAccounts accounts, IOptions<LocalHostOptions> options)
{
    /// <summary>Where the host puts a message it gave up on, in the trigger's own account.</summary>
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    private readonly SemaphoreSlim _arrived = new(0, 1);

    public QueueClient Queue { get; } = accounts.Queues(StorageAccounts.HostConnection).GetQueueClient($"azure-webjobs-blobtrigger-{options.Value.HostId}");

    /// <summary>
    /// Queues one event's blob for the function id <paramref name="functionId"/>, as given. Container and name come
    /// from the event's URL, parsed as the extension parses them (<see cref="BlobUriBuilder"/>: the host part ignored,
    /// the name URL-decoded and its dot segments collapsed by <see cref="Uri"/>); the container is not checked against
    /// the trigger's path.
    /// </summary>
    public async Task EnqueueAsync(string functionId, Uri blobUrl, string? eTag, string? blobType, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(functionId);
        var blob = new BlobUriBuilder(blobUrl);
        var message = new BlobTriggerMessage
        {
            FunctionId = functionId,
            BlobType = string.IsNullOrEmpty(blobType) ? "BlockBlob" : blobType,
            ContainerName = blob.BlobContainerName,
            BlobName = blob.BlobName,
            ETag = string.IsNullOrEmpty(eTag) ? null : $"\"{eTag.Trim('"')}\"",
        };
        await Queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Queue.SendMessageAsync(message.Serialize(), cancellationToken).ConfigureAwait(false);
        if (_arrived.CurrentCount == 0)
        {
            try
            {
                _arrived.Release(); // wake the listener, as the extension's shared queue watcher does
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    /// <summary>Waits until a message is queued by this host, or <paramref name="timeout"/> passes.</summary>
    public Task<bool> WaitForArrivalAsync(TimeSpan timeout, CancellationToken cancellationToken) => _arrived.WaitAsync(timeout, cancellationToken);
}
