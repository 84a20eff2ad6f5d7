using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Diagnostics;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Events;
using ContentPipeline.LocalHost.Singleton;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// Stands in for Event Grid, which Azurite does not have: it raises the <c>BlobCreated</c> events a subscription on each
/// Event Grid blob trigger's container would deliver, and nothing more. It lists the container every
/// <see cref="LocalHostOptions.WatchInterval"/> and raises an event for each blob written since the subscription
/// existed: a new blob, or a new ETag. Like Event Grid, it raises nothing for blobs that were there before the
/// subscription (its creation time is kept in the host's storage, so a restart does not raise old events again, and
/// blobs written while the host was down are raised when it starts, as Event Grid's retries would deliver them).
/// Events go into the same queue as the webhook's (behind a front door, through it: <see cref="BlobCreatedDelivery"/>). It also raises <c>BlobDeleted</c> for a blob it saw that is gone,
/// to every Event Grid-triggered function (as a subscription to the account's deletions would), trying each delivery a
/// few times as Event Grid retries. Unlike Event Grid, it knows only the blobs it listed since the host started: a
/// blob deleted while the host was down raises nothing. With several instances on one <c>AzureWebJobsStorage</c>, one
/// of them raises the events at a time (a singleton lock, <see cref="LockId"/>); another takes over when it dies.
/// </summary>
public sealed partial class EventGridStandIn : BackgroundService
{
    /// <summary>Blob Last-Modified has one-second resolution: a blob written in the checkpoint's second is raised again.</summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan CheckpointEvery = TimeSpan.FromSeconds(30);

    /// <summary>How a deletion event is retried when its function fails (Event Grid backs off likewise, for longer).</summary>
    private static readonly TimeSpan[] DeliveryRetries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];

    private readonly WorkerSupervisor _supervisor;
    private readonly BlobCreatedDelivery _created;
    private readonly EventGridDelivery _delivery;
    private readonly StorageAccounts _accounts;
    private readonly TimeProvider _time;
    private readonly LocalHostOptions _options;
    private readonly SingletonListenerLock _singleton;
    private readonly ILogger<EventGridStandIn> _logger;
    private long _scans;

    /// <summary>The stand-in's singleton lock (not one of Azure's: Event Grid runs outside the app).</summary>
    public const string LockId = "LocalHost.EventGridStandIn";

    public EventGridStandIn(WorkerSupervisor supervisor, BlobCreatedDelivery created, EventGridDelivery delivery, StorageAccounts accounts, TimeProvider time, IOptions<LocalHostOptions> options, SingletonListenerLock singleton, ILogger<EventGridStandIn> logger)
    {
        _supervisor = supervisor;
        _created = created;
        _delivery = delivery;
        _accounts = accounts;
        _time = time;
        _options = options.Value;
        _singleton = singleton;
        _logger = logger;
    }

    /// <summary>Completed scans of every watched container (the admin status shows it: readiness for tests and scripts).</summary>
    public long Scans => Interlocked.Read(ref _scans);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var catalog = await _supervisor.TryGetAsync(stoppingToken).ConfigureAwait(false);
        var deletions = catalog?.Functions.Where(f => f.Kind == TriggerKind.EventGrid).ToList() ?? [];
        var triggers = catalog?.Functions.Where(f => f.Blob?.UsesEventGrid == true).ToList() ?? [];
        if (!_options.RaiseBlobEvents || triggers.Count == 0)
        {
            return;
        }

        try
        {
            // Event Grid is one service for the whole app, not one per instance: one instance at a time raises its events.
            await _singleton.RunAsync(LockId, listening => WatchAsync([.. triggers.Select(f => new Subscription(f, deletions, this))], listening), stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>Raises events while this instance holds the stand-in's lock; a new holder goes on from the checkpoints.</summary>
    private async Task WatchAsync(IReadOnlyList<Subscription> watched, CancellationToken listening)
    {
        try
        {
            foreach (var subscription in watched)
            {
                while (!await subscription.TryOpenAsync(listening).ConfigureAwait(false))
                {
                    await Task.Delay(_options.WatchInterval, _time, listening).ConfigureAwait(false);
                }
            }

            // The subscriptions exist from here on: anything written now gets its event.

            while (!listening.IsCancellationRequested)
            {
                var started = _time.GetTimestamp();
                foreach (var subscription in watched)
                {
                    try
                    {
                        await subscription.ScanAsync(listening).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
                    {
                        LogScanFailed(ex, subscription.Function.Blob!.Container);
                    }
                }

                Interlocked.Increment(ref _scans);

                // Listing a container of many thousand blobs is work for the emulator too: never spend more than a third
                // of the time listing.
                var scan = _time.GetElapsedTime(started);
                await Task.Delay(scan * 2 > _options.WatchInterval ? scan * 2 : _options.WatchInterval, _time, listening).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (listening.IsCancellationRequested)
        {
            // Stopping, or the lock is lost: keep how far the subscriptions got.
        }

        using var saving = new CancellationTokenSource(TimeSpan.FromSeconds(5)); // storage may be stopping too
        foreach (var subscription in watched)
        {
            await subscription.SaveCheckpointAsync(saving.Token).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not list container {Container} to raise its blob events; trying again")]
    private partial void LogScanFailed(Exception exception, string container);

    [LoggerMessage(Level = LogLevel.Information, Message = "Event Grid stand-in: subscription to {Container} for {Function} exists since {Since:O}")]
    private partial void LogSubscribed(string container, string function, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed on every delivery of the deletion of {BlobName}: {Error}")]
    private partial void LogDeliveryFailed(string function, string blobName, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the Event Grid stand-in's checkpoint for {Container}")]
    private partial void LogCheckpointFailed(Exception exception, string container);

    /// <summary>One subscription: a trigger's container, the blob versions already raised, and the checkpoint.</summary>
    private sealed class Subscription(FunctionDescriptor function, IReadOnlyList<FunctionDescriptor> deletions, EventGridStandIn owner)
    {
        private readonly Dictionary<string, ETag> _raised = new(StringComparer.Ordinal);
        private readonly BlobContainerClient _container = owner._accounts.Blobs(function.Blob!.Connection).GetBlobContainerClient(function.Blob.Container);
        private readonly BlobContainerClient _hosts = owner._accounts.Blobs(StorageAccounts.HostConnection).GetBlobContainerClient(StorageAccounts.HostsContainer);

        private BlobClient CheckpointBlob => _hosts.GetBlobClient($"eventgrid-standin/{owner._options.HostId}/{function.Name}/checkpoint.json");

        private DateTimeOffset _since;
        private DateTimeOffset _lastScanStart;
        private long _lastSaved;

        public FunctionDescriptor Function => function;

        /// <summary>Reads the subscription's checkpoint; the first time, the subscription is created now. False: storage is unreachable.</summary>
        public async Task<bool> TryOpenAsync(CancellationToken cancellationToken)
        {
            try
            {
                await OpenAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
            {
                owner.LogCheckpointFailed(ex, function.Blob!.Container);
                return false;
            }
        }

        private async Task OpenAsync(CancellationToken cancellationToken)
        {
            try
            {
                var saved = await CheckpointBlob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                _since = JsonSerializer.Deserialize<Checkpoint>(saved.Value.Content.ToString())!.Since;
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                await _hosts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                var created = await CheckpointBlob.UploadAsync(BinaryData.FromString("{}"), overwrite: true, cancellationToken).ConfigureAwait(false);
                _since = created.Value.LastModified; // the storage service's clock, as blobs' Last-Modified is
                await SaveAsync(_since, cancellationToken).ConfigureAwait(false);
            }

            _lastScanStart = _since;
            owner.LogSubscribed(function.Blob!.Container, function.Name, _since);
        }

        /// <summary>Raises an event for every blob version written since the checkpoint that it has not raised yet.</summary>
        public async Task ScanAsync(CancellationToken cancellationToken)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            DateTimeOffset? scanStart = null;
            try
            {
                await foreach (var page in _container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix: null, cancellationToken).AsPages().ConfigureAwait(false))
                {
                    scanStart ??= page.GetRawResponse().Headers.Date;
                    foreach (var blob in page.Values)
                    {
                        seen.Add(blob.Name);
                        if (blob.Properties.ETag is not { } etag || (_raised.TryGetValue(blob.Name, out var known) && known == etag))
                        {
                            continue;
                        }

                        if (_raised.ContainsKey(blob.Name) || blob.Properties.LastModified >= _since - ClockMargin)
                        {
                            await RaiseCreatedAsync(blob.Name, etag, cancellationToken).ConfigureAwait(false);
                        }

                        _raised[blob.Name] = etag;
                    }
                }
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // The container does not exist yet: nothing to raise.
            }

            foreach (var gone in _raised.Keys.Where(name => !seen.Contains(name)).ToList())
            {
                _raised.Remove(gone);
                await RaiseDeletedAsync(gone, cancellationToken).ConfigureAwait(false);
            }

            if (scanStart is { } start)
            {
                _lastScanStart = start;
                _since = _since > start ? _since : start; // later scans compare ETags; the checkpoint only matters at a restart
                if (owner._time.GetElapsedTime(_lastSaved) > CheckpointEvery)
                {
                    await SaveCheckpointAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        public async Task SaveCheckpointAsync(CancellationToken cancellationToken)
        {
            try
            {
                await SaveAsync(_lastScanStart, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is OperationCanceledException)
            {
                owner.LogCheckpointFailed(ex, function.Blob!.Container);
            }
        }

        private async Task SaveAsync(DateTimeOffset since, CancellationToken cancellationToken)
        {
            await CheckpointBlob.UploadAsync(BinaryData.FromObjectAsJson(new Checkpoint(since)), overwrite: true, cancellationToken).ConfigureAwait(false);
            _lastSaved = owner._time.GetTimestamp();
        }

        private Task RaiseCreatedAsync(string name, ETag etag, CancellationToken cancellationToken) =>
            owner._created.DeliverAsync(function.HostFunctionId, _container.AccountName, _container.Name, name, UrlOf(name), etag.ToString(), cancellationToken);

        /// <summary>Delivers a <c>BlobDeleted</c> event, in Event Grid's schema, to each deletion subscriber.</summary>
        private async Task RaiseDeletedAsync(string name, CancellationToken cancellationToken)
        {
            var deleted = StorageBlobEvent.Create(StorageBlobEvent.Deleted, "DeleteBlob", _container.AccountName, _container.Name, name, UrlOf(name), eTag: null, owner._time.GetUtcNow());
            foreach (var subscriber in deletions)
            {
                for (var attempt = 0; ; attempt++)
                {
                    var result = await owner._delivery.InvokeAsync(subscriber, deleted, cancellationToken).ConfigureAwait(false);
                    if (result.Succeeded || attempt == DeliveryRetries.Length)
                    {
                        if (!result.Succeeded)
                        {
                            owner.LogDeliveryFailed(subscriber.Name, LogText.Escape(name), result.Error ?? "unknown");
                        }

                        break;
                    }

                    await Task.Delay(DeliveryRetries[attempt], owner._time, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        /// <summary>The event's URL as Event Grid writes it: the blob's name as stored, each path segment escaped.</summary>
        private Uri UrlOf(string name) => new($"{_container.Uri.AbsoluteUri}/{string.Join('/', name.Split('/').Select(Uri.EscapeDataString))}");
    }

    private sealed record Checkpoint(DateTimeOffset Since);
}
