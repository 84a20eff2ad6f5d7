using Azure.Storage.Blobs;
using ContentPipeline.Hosting;
using ContentPipeline.Ingest;
using ContentPipeline.Storage;
using Microsoft.Azure.Functions.Worker;

namespace ContentPipeline.Functions;

/// <summary>
/// Ingests article files uploaded to the incoming container. Event Grid source: the only blob trigger the Flex
/// Consumption plan supports, and one that never misses a blob. Event Grid delivers at least once; the core makes
/// every delivery idempotent. Bad files are an outcome (moved to <c>rejected</c>); storage errors throw, so the host retries.
/// </summary>
public sealed class IngestArticle(IngestService ingest)
{
    [Function(nameof(IngestArticle))]
    public async Task RunAsync(
        [BlobTrigger(StorageNames.IncomingBlobPath, Source = BlobTriggerSource.EventGrid, Connection = StorageConnection.Name)] BlobClient blob,
        CancellationToken cancellationToken) =>
        await ingest.IngestAsync(blob, cancellationToken).ConfigureAwait(false);
}
