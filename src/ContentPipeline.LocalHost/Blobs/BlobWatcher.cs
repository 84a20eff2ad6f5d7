using Azure;
using Azure.Storage.Blobs;
using ContentPipeline.LocalHost.Catalog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// Azurite raises no Event Grid events, so this scan raises them: every <see cref="LocalHostOptions.WatchInterval"/> it
/// lists each blob-triggered container and hands every blob version without a receipt to the dispatcher, exactly as a
/// <c>BlobCreated</c> event posted to the webhook would.
/// </summary>
public sealed partial class BlobWatcher(FunctionCatalog catalog, BlobTriggerDispatcher dispatcher, BlobServiceClient blobs, IOptions<LocalHostOptions> options, TimeProvider time, ILogger<BlobWatcher> logger) : BackgroundService
{
    private long _scans;

    /// <summary>Completed scans of every triggered container (the admin status shows it: readiness for tests and scripts).</summary>
    public long Scans => Interlocked.Read(ref _scans);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var functions = catalog.Functions.Where(f => f.Kind == TriggerKind.Blob).ToList();
        if (functions.Count == 0)
        {
            return;
        }

        await dispatcher.Ready.ConfigureAwait(false);
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            foreach (var function in functions)
            {
                try
                {
                    await ScanAsync(function, stoppingToken).ConfigureAwait(false);
                }
                catch (RequestFailedException ex)
                {
                    LogScanFailed(ex, function.BlobContainer);
                }
            }

            Interlocked.Increment(ref _scans);

            // Listing a container of many thousand blobs is work for the storage emulator too: never spend more than a
            // third of the time scanning, and do not scan again while blobs are still waiting in the queue, so ingest
            // keeps the emulator (measured: listing 3,000 blobs costs Azurite about as much as ingesting 70 of them).
            var scan = time.GetElapsedTime(started);
            var pause = scan * 2 > options.Value.WatchInterval ? scan * 2 : options.Value.WatchInterval;
            do
            {
                await Task.Delay(pause, time, stoppingToken).ConfigureAwait(false);
                pause = options.Value.WatchInterval;
            }
            while (dispatcher.Waiting > 0);
        }
    }

    private async Task ScanAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(function.BlobContainer);
        await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var etag = blob.Properties.ETag?.ToString();
            if (etag is not null && !dispatcher.IsHandled(function, blob.Name, etag))
            {
                dispatcher.Enqueue(new BlobWorkItem(function, blob.Name, etag));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not scan container {Container}; trying again")]
    private partial void LogScanFailed(Exception exception, string container);
}
