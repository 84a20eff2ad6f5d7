using System.Net;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Hosting;

/// <summary>
/// Creates the pipeline's tables, containers and queues at start-up when they are missing (Azurite starts empty). In Azure the
/// Bicep templates create them, and an identity without the right to create is told so in a log line, not a crash.
/// It runs while the host is starting (<see cref="IHostedLifecycleService.StartingAsync"/>), before any hosted service
/// starts, so the Functions worker connects to its host only once the storage it serves exists.
/// </summary>
public sealed partial class StorageProvisioner : IHostedLifecycleService
{
    private readonly BlobServiceClient _blobs;
    private readonly TableServiceClient _tables;
    private readonly QueueServiceClient _queues;
    private readonly ILogger<StorageProvisioner> _logger;

    /// <summary>Creates the provisioner.</summary>
    public StorageProvisioner(BlobServiceClient blobs, TableServiceClient tables, QueueServiceClient queues, ILogger<StorageProvisioner> logger)
    {
        _blobs = blobs;
        _tables = tables;
        _queues = queues;
        _logger = logger;
    }

    /// <summary>Creates every table and container in <see cref="StorageNames"/> that does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(
                StorageNames.Tables.Select(t => _tables.CreateTableIfNotExistsAsync(t, cancellationToken))
                    .Cast<Task>()
                    .Concat(StorageNames.Containers.Select(c => _blobs.GetBlobContainerClient(c).CreateIfNotExistsAsync(cancellationToken: cancellationToken)))
                    .Concat(StorageNames.Queues.Select(q => _queues.GetQueueClient(q).CreateIfNotExistsAsync(cancellationToken: cancellationToken)))).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Forbidden)
        {
            LogNotAllowed(ex.ErrorCode);
        }
    }

    /// <inheritdoc />
    public Task StartingAsync(CancellationToken cancellationToken) => EnsureCreatedAsync(cancellationToken);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Not allowed to create the pipeline's tables and containers ({ErrorCode}); they must exist already (infra/ creates them)")]
    private partial void LogNotAllowed(string? errorCode);
}
