using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using ContentPipeline.LocalHost.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Singleton;

/// <summary>
/// Keeps a listener on one instance at a time, as the WebJobs SDK's <c>SingletonListener</c> does for timers: a blob
/// lease on <c>azure-webjobs-hosts/locks/{hostId}/{lockId}</c> in <c>AzureWebJobsStorage</c>, taken for
/// <see cref="LocalHostOptions.ListenerLockPeriod"/> and renewed while the listener runs. An instance that does not get
/// it tries again every <see cref="LocalHostOptions.ListenerLockRecoveryPollingInterval"/>, so when its holder dies
/// (its lease runs out) another takes over. A holder that cannot renew for a whole period stops its listener (another
/// instance may hold the lease by then) and goes back to polling; on Azure the host restarts instead. Stopping the host
/// releases the lease at once.
/// </summary>
public sealed partial class SingletonListenerLock(StorageAccounts accounts, IOptions<LocalHostOptions> options, TimeProvider time, ILogger<SingletonListenerLock> logger)
{
    private readonly BlobContainerClient _hosts = accounts.Blobs(StorageAccounts.HostConnection).GetBlobContainerClient(StorageAccounts.HostsContainer);
    private readonly LocalHostOptions _options = options.Value;
    private readonly HashSet<string> _held = new(StringComparer.Ordinal);

    /// <summary>The lock ids this instance holds now (the admin status shows them).</summary>
    public IReadOnlyList<string> Held
    {
        get
        {
            lock (_held)
            {
                return [.. _held.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>The blob that holds a lock's lease.</summary>
    public string BlobName(string lockId) => $"locks/{_options.HostId}/{lockId}";

    /// <summary>
    /// Runs <paramref name="listen"/> whenever this instance holds the lock, until <paramref name="stoppingToken"/> is
    /// cancelled. The listener's token is cancelled when the lock is lost; it should then return.
    /// </summary>
    public async Task RunAsync(string lockId, Func<CancellationToken, Task> listen, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var lease = _hosts.GetBlobClient(BlobName(lockId)).GetBlobLeaseClient(Guid.NewGuid().ToString());
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await TryAcquireAsync(lease, lockId, stoppingToken).ConfigureAwait(false))
            {
                await Task.Delay(_options.ListenerLockRecoveryPollingInterval, time, stoppingToken).ConfigureAwait(false);
                continue;
            }

            LogAcquired(lockId, _options.InstanceId);
            SetHeld(lockId, held: true);
            using var holding = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var renewing = RenewAsync(lease, lockId, holding);
            try
            {
                await listen(holding.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (holding.IsCancellationRequested)
            {
                // Lost or stopping.
            }
            finally
            {
                SetHeld(lockId, held: false);
                await holding.CancelAsync().ConfigureAwait(false);
                await renewing.ConfigureAwait(false);
            }

            if (stoppingToken.IsCancellationRequested)
            {
                await ReleaseAsync(lease, lockId).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> TryAcquireAsync(BlobLeaseClient lease, string lockId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            try
            {
                await lease.AcquireAsync(_options.ListenerLockPeriod, cancellationToken: timeout.Token).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                // First use: create the blob (or find that another instance just did), then take the lease.
                await _hosts.CreateIfNotExistsAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
                await CreateLockBlobAsync(lockId, timeout.Token).ConfigureAwait(false);
                await lease.AcquireAsync(_options.ListenerLockPeriod, cancellationToken: timeout.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            return false; // another instance holds it
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogStorageFailed(ex, lockId);
            return false;
        }
    }

    private async Task CreateLockBlobAsync(string lockId, CancellationToken cancellationToken)
    {
        try
        {
            await _hosts.GetBlobClient(BlobName(lockId)).UploadAsync(BinaryData.Empty, overwrite: false, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.Conflict)
        {
            // Another instance created it.
        }
    }

    /// <summary>Renews the lease well before it runs out; cancels <paramref name="holding"/> once it may have been lost.</summary>
    private async Task RenewAsync(BlobLeaseClient lease, string lockId, CancellationTokenSource holding)
    {
        var renewed = time.GetTimestamp();
        var every = _options.ListenerLockPeriod / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, time, holding.Token).ConfigureAwait(false);
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(holding.Token);
                timeout.CancelAfter(every);
                try
                {
                    await lease.RenewAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
                    renewed = time.GetTimestamp();
                    continue;
                }
                catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.NotFound)
                {
                    LogLost(lockId, ex.ErrorCode ?? ex.Status.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
                catch (Exception ex) when ((StorageErrors.IsStorageFailure(ex) || ex is OperationCanceledException) && !holding.IsCancellationRequested)
                {
                    if (time.GetElapsedTime(renewed) < _options.ListenerLockPeriod - every)
                    {
                        continue; // still ours for a while: try again
                    }

                    LogLost(lockId, "no renewal for a whole lease period");
                }

                await holding.CancelAsync().ConfigureAwait(false);
                return;
            }
        }
        catch (OperationCanceledException) when (holding.IsCancellationRequested)
        {
            // The listener returned or the host is stopping.
        }
    }

    private async Task ReleaseAsync(BlobLeaseClient lease, string lockId)
    {
        using var timeout = new CancellationTokenSource(RequestTimeout);
        try
        {
            await lease.ReleaseAsync(cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex) || ex is OperationCanceledException)
        {
            LogStorageFailed(ex, lockId); // it runs out by itself
        }
    }

    private void SetHeld(string lockId, bool held)
    {
        lock (_held)
        {
            _ = held ? _held.Add(lockId) : _held.Remove(lockId);
        }
    }

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    [LoggerMessage(Level = LogLevel.Information, Message = "Singleton lock {LockId} acquired by instance {InstanceId}")]
    private partial void LogAcquired(string lockId, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Singleton lock {LockId} lost ({Reason}); its listener stops until this instance holds it again")]
    private partial void LogLost(string lockId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Singleton lock {LockId}: storage failed; trying again")]
    private partial void LogStorageFailed(Exception exception, string lockId);
}
