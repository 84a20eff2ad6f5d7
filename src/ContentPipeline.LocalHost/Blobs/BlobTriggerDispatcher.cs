using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using ContentPipeline.Diagnostics;
using ContentPipeline.Ingest;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>A blob to hand to a blob-triggered function.</summary>
/// <param name="Function">The function.</param>
/// <param name="BlobName">The blob's name inside the trigger's container.</param>
/// <param name="ETag">The version the event or scan saw; null to read the current one.</param>
/// <param name="Force">Run even if a receipt exists (the admin API does).</param>
public sealed record BlobWorkItem(FunctionDescriptor Function, string BlobName, string? ETag, bool Force = false);

/// <summary>
/// Runs blob-triggered functions as the Azure host does: skips a blob version that has a receipt, runs the others with
/// bounded parallelism, retries a failing invocation up to <see cref="LocalHostOptions.MaxBlobAttempts"/> times, then
/// records it as poison: a message on queue <c>webjobs-blobtrigger-poison</c> (FunctionId, BlobType, ContainerName,
/// BlobName, ETag) and a receipt marked poisoned, so it does not run again until the blob changes.
/// </summary>
public sealed partial class BlobTriggerDispatcher : BackgroundService
{
    public const string PoisonQueue = "webjobs-blobtrigger-poison";

    private readonly Channel<BlobWorkItem> _queue = Channel.CreateUnbounded<BlobWorkItem>();
    private readonly ConcurrentDictionary<string, byte> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _handled = new(StringComparer.Ordinal);
    private readonly FunctionCatalog _catalog;
    private readonly FunctionInvoker _invoker;
    private readonly BlobServiceClient _blobs;
    private readonly QueueServiceClient _queues;
    private readonly BlobReceipts _receipts;
    private readonly LocalHostOptions _options;
    private readonly int _parallelism;
    private readonly ILogger<BlobTriggerDispatcher> _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BlobTriggerDispatcher(FunctionCatalog catalog, FunctionInvoker invoker, BlobServiceClient blobs, QueueServiceClient queues, BlobReceipts receipts, IOptions<LocalHostOptions> options, HostJson hostJson, ILogger<BlobTriggerDispatcher> logger)
    {
        _catalog = catalog;
        _invoker = invoker;
        _blobs = blobs;
        _queues = queues;
        _receipts = receipts;
        _options = options.Value;
        _parallelism = hostJson.BlobParallelism ?? _options.BlobParallelism;
        _logger = logger;
    }

    /// <summary>Completes once the receipts of every blob function are loaded.</summary>
    public Task Ready => _ready.Task;

    /// <summary>Blobs queued and not yet started.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>Whether this version of the blob was already handled (a receipt exists).</summary>
    public bool IsHandled(FunctionDescriptor function, string blobName, string etag) =>
        _handled.ContainsKey(HandledKey(function, BlobReceipts.Key(etag, function.BlobContainer, blobName)));

    /// <summary>Queues a blob unless the same version is already queued or running.</summary>
    public bool Enqueue(BlobWorkItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (item.ETag is not null && !item.Force && IsHandled(item.Function, item.BlobName, item.ETag))
        {
            return false;
        }

        if (!_pending.TryAdd(PendingKey(item), 0))
        {
            return false;
        }

        return _queue.Writer.TryWrite(item);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await _receipts.EnsureContainerAsync(stoppingToken).ConfigureAwait(false);
            foreach (var function in _catalog.Functions.Where(f => f.Kind == TriggerKind.Blob))
            {
                foreach (var key in await _receipts.ListAsync(function.FunctionId, stoppingToken).ConfigureAwait(false))
                {
                    _handled.TryAdd(HandledKey(function, key), 0);
                }
            }

            _ready.TrySetResult();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _ready.TrySetException(ex);
            throw;
        }

        await Parallel.ForEachAsync(
            _queue.Reader.ReadAllAsync(stoppingToken),
            new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = stoppingToken },
            ProcessAsync).ConfigureAwait(false);
    }

    private async ValueTask ProcessAsync(BlobWorkItem item, CancellationToken cancellationToken)
    {
        try
        {
            var container = _blobs.GetBlobContainerClient(item.Function.BlobContainer);
            if (!BlobNames.TryGetClient(container, item.BlobName, out var blob, out _))
            {
                await RunUnsafeNameAsync(item, container, cancellationToken).ConfigureAwait(false);
                return;
            }

            var etag = item.ETag ?? await blob.GetCurrentETagAsync(cancellationToken).ConfigureAwait(false);
            if (etag is null)
            {
                return; // deleted before its turn
            }

            // The receipts were all loaded at start and this host writes every later one: memory knows them all, and
            // asking storage per blob would cost a request each (one local host per storage account, as documented).
            var key = BlobReceipts.Key(etag, item.Function.BlobContainer, item.BlobName);
            if (!item.Force && _handled.ContainsKey(HandledKey(item.Function, key)))
            {
                return;
            }

            var outcome = await RunWithRetriesAsync(item, blob, etag, cancellationToken).ConfigureAwait(false);
            await _receipts.WriteAsync(item.Function.FunctionId, key, outcome, cancellationToken).ConfigureAwait(false);
            _handled.TryAdd(HandledKey(item.Function, key), 0);
        }
        catch (RequestFailedException ex)
        {
            // Storage trouble in the host's own bookkeeping: the next scan offers the blob again.
            LogBookkeepingFailed(ex, LogText.Escape(item.BlobName));
        }
        finally
        {
            _pending.TryRemove(PendingKey(item), out _);
        }
    }

    /// <summary>
    /// A name that cannot address its blob safely: the host builds no path or receipt from it and does no I/O with it. It
    /// hands it to the function as Azure's host would (with the client its URL collapses to), and the function records
    /// why it leaves the blob alone. Remembered in memory, so the watcher does not offer it again.
    /// </summary>
    private async Task RunUnsafeNameAsync(BlobWorkItem item, BlobContainerClient container, CancellationToken cancellationToken)
    {
        var key = HandledKey(item.Function, BlobReceipts.Key(item.ETag ?? string.Empty, item.Function.BlobContainer, item.BlobName));
        if (!item.Force && _handled.ContainsKey(key))
        {
            return;
        }

        await RunWithRetriesAsync(item, container.GetBlobClient(item.BlobName), item.ETag ?? string.Empty, cancellationToken).ConfigureAwait(false);
        _handled.TryAdd(key, 0);
    }

    private async Task<string> RunWithRetriesAsync(BlobWorkItem item, BlobClient blob, string etag, CancellationToken cancellationToken)
    {
        var values = new Dictionary<string, string?> { ["name"] = item.BlobName, ["blobTrigger"] = $"{item.Function.BlobContainer}/{item.BlobName}" };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _invoker.InvokeAsync(item.Function, new TriggerInput(Blob: blob, Values: values), cancellationToken).ConfigureAwait(false);
                return "succeeded";
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // A host catches whatever the function throws: that is what retries and poison are for.
                LogAttemptFailed(ex, item.Function.Name, LogText.Escape(item.BlobName), attempt, _options.MaxBlobAttempts);
                if (attempt >= _options.MaxBlobAttempts)
                {
                    await PoisonAsync(item, etag, cancellationToken).ConfigureAwait(false);
                    return "poisoned";
                }

                await Task.Delay(_options.RetryDelay * attempt, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task PoisonAsync(BlobWorkItem item, string etag, CancellationToken cancellationToken)
    {
        var queue = _queues.GetQueueClient(PoisonQueue);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var message = JsonSerializer.Serialize(new
        {
            Type = "BlobTrigger",
            FunctionId = item.Function.FunctionId,
            BlobType = "BlockBlob",
            ContainerName = item.Function.BlobContainer,
            BlobName = item.BlobName,
            ETag = etag,
        });
        await queue.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
        LogPoisoned(item.Function.Name, LogText.Escape(item.BlobName), PoisonQueue);
    }

    private static string HandledKey(FunctionDescriptor function, string receiptKey) => $"{function.FunctionId}|{receiptKey}";

    // Listings quote ETags, Event Grid does not: compare them unquoted.
    private static string PendingKey(BlobWorkItem item) => $"{item.Function.FunctionId}|{item.BlobName}|{item.ETag?.Trim('"')}|{item.Force}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed on {BlobName} (attempt {Attempt} of {MaxAttempts})")]
    private partial void LogAttemptFailed(Exception exception, string function, string blobName, int attempt, int maxAttempts);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} gave up on {BlobName}: recorded on queue {PoisonQueue}")]
    private partial void LogPoisoned(string function, string blobName, string poisonQueue);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record the outcome for {BlobName}; it will be offered again")]
    private partial void LogBookkeepingFailed(Exception exception, string blobName);
}
