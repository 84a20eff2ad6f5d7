using Azure.Storage.Blobs;
using ContentPipeline.Hosting;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Ingests article files uploaded to the incoming container. Event Grid source: the only blob trigger the Flex
/// Consumption plan supports. Event Grid delivers at least once; the core makes every delivery idempotent. Bad files
/// are an outcome (moved to <c>rejected</c>); storage errors throw, so the host retries.
/// </summary>
public sealed class IngestArticle(IngestService ingest)
{
    /// <param name="blob">
    /// The delivered blob. The host builds it with <see cref="Uri"/>, which collapses <c>.</c> and <c>..</c> segments,
    /// and the host's webhook takes container and name from the event without checking the container. So it is never
    /// used to reach storage: ingest checks what was delivered and builds its own client.
    /// </param>
    /// <param name="name">
    /// The delivered name, as the trigger's path <c>incoming/{name}</c> matched it; the host sets it only for a blob of
    /// the incoming container. Without it, the blob came from another container.
    /// </param>
    /// <param name="cancellationToken">Cancels the run.</param>
    [Function(nameof(IngestArticle))]
    public async Task RunAsync(
        [BlobTrigger(StorageNames.IncomingBlobPath, Source = BlobTriggerSource.EventGrid, Connection = StorageConnection.Name)] BlobClient blob,
        string? name,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blob);
        var (container, delivered) = name is null ? (blob.BlobContainerName, blob.Name) : (StorageNames.IncomingContainer, name);
        await ingest.IngestAsync(container, delivered, cancellationToken).ConfigureAwait(false);
    }
}
