using System.Net;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues.Models;
using ContentPipeline.Diagnostics;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Diagnostics;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Blobs;

/// <summary>
/// Runs blob triggers from the shared queue, as the blobs extension does for the Event Grid source. For each message:
/// read the blob's properties (a blob that no longer exists: the message is dropped), invoke the function; success
/// deletes the message, failure makes it visible again at once (no backoff), and the fifth failed dequeue copies it to
/// <c>webjobs-blobtrigger-poison</c> in the trigger's account. No blob receipts and no ETag comparison: a repeated
/// event runs the function again. Messages survive a restart. Up to host.json's
/// <c>extensions.blobs.maxDegreeOfParallelism</c> run at once, received in batches as the extension receives them
/// (<see cref="BatchSize"/>); an empty queue is polled with a growing pause up to
/// <see cref="LocalHostOptions.MaxQueuePollingInterval"/>, cut short when the webhook queues something.
/// </summary>
public sealed partial class BlobTriggerQueueListener(
    BlobTriggerQueue queue,
    WorkerSupervisor supervisor,
    IFunctionInvoker invoker,
    StorageAccounts accounts,
    HostJson hostJson,
    HostTelemetry telemetry,
    IOptions<LocalHostOptions> options,
    ILogger<BlobTriggerQueueListener> logger) : BackgroundService
{
    /// <summary>Dequeues before a message is poisoned (the extension's <c>PoisonBlobThreshold</c>).</summary>
    public const int MaxDequeueCount = 5;

    /// <summary>How long a message stays invisible while its function runs.</summary>
    private static readonly TimeSpan VisibilityTimeout = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The most messages one receive may ask for.</summary>
    private const int MaxBatchSize = 32;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var catalog = await supervisor.TryGetAsync(stoppingToken).ConfigureAwait(false);
        if (catalog is null || !catalog.Functions.Any(f => f.Blob?.UsesEventGrid == true))
        {
            return;
        }

        await queue.Queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken).ConfigureAwait(false);
        var parallelism = hostJson.BlobParallelism ?? Environment.ProcessorCount * 8;
        var batchSize = BatchSize(parallelism);
        using var slots = new SemaphoreSlim(parallelism, parallelism);
        var running = new List<Task>();
        var pause = MinPollingInterval;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await supervisor.WhenReadyAsync(stoppingToken).ConfigureAwait(false);

                // A new batch once no more than parallelism - batch size run, as the extension's queue listener does.
                var free = 0;
                while (free < batchSize)
                {
                    await slots.WaitAsync(stoppingToken).ConfigureAwait(false);
                    free++;
                }

                QueueMessage[] messages;
                try
                {
                    using var receiving = telemetry.Stage(HostTelemetry.Stages.QueueReceive);
                    messages = (await queue.Queue.ReceiveMessagesAsync(free, VisibilityTimeout, stoppingToken).ConfigureAwait(false)).Value;
                }
                catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
                {
                    LogQueueFailed(ex);
                    messages = [];
                }

                if (free > messages.Length)
                {
                    slots.Release(free - messages.Length);
                }

                running.RemoveAll(t => t.IsCompleted);
                if (messages.Length == 0)
                {
                    await queue.WaitForArrivalAsync(pause, stoppingToken).ConfigureAwait(false);
                    pause = TimeSpan.FromTicks(Math.Min(options.Value.MaxQueuePollingInterval.Ticks, pause.Ticks * 2));
                    continue;
                }

                pause = MinPollingInterval;
                running.AddRange(messages.Select(message => Task.Run(
                    async () =>
                    {
                        try
                        {
                            await ProcessAsync(catalog, message, stoppingToken).ConfigureAwait(false);
                        }
                        finally
                        {
                            slots.Release();
                        }
                    },
                    CancellationToken.None)));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: runs in flight are cancelled and give their messages back (see ProcessAsync).
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>
    /// Messages per receive for <paramref name="parallelism"/>: the blobs extension splits its
    /// <c>maxDegreeOfParallelism</c> into a batch size of half of it plus one (at most 32, the queue service's limit) and a
    /// new-batch threshold of the rest, so with 8 it receives 5 at a time once 3 or fewer still run.
    /// </summary>
    public static int BatchSize(int parallelism) => Math.Min(MaxBatchSize, (parallelism / 2) + 1);

    private async Task ProcessAsync(FunctionCatalog catalog, QueueMessage message, CancellationToken stoppingToken)
    {
        using var stage = telemetry.Stage(HostTelemetry.Stages.BlobMessage);
        var trigger = BlobTriggerMessage.TryParse(message.Body.ToString());
        var function = trigger is null ? null : catalog.FindRegistered(trigger.FunctionId);
        try
        {
            if (message.DequeueCount > MaxDequeueCount || trigger is null)
            {
                await PoisonAsync(function, message, stoppingToken).ConfigureAwait(false);
                return;
            }

            if (function?.Blob is null)
            {
                LogUnknownFunction(trigger.FunctionId);
                await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
                return;
            }

            // As the extension does: a client built from the message (System.Uri collapses dot segments) and one read of
            // its properties; the function itself must check what it was given.
            var blob = accounts.Blobs(function.Blob.Connection).GetBlobContainerClient(trigger.ContainerName).GetBlobClient(trigger.BlobName);
            InvocationResult result;
            try
            {
                BlobProperties properties;
                using (telemetry.Stage(HostTelemetry.Stages.BlobProperties))
                {
                    properties = (await blob.GetPropertiesAsync(cancellationToken: stoppingToken).ConfigureAwait(false)).Value;
                }

                using (telemetry.Stage(HostTelemetry.Stages.Invoke))
                {
                    result = await invoker.InvokeAsync(function, BlobTriggerInput.Create(function, blob, properties), stoppingToken).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
            {
                LogBlobGone(function.Name, LogText.Escape($"{trigger.ContainerName}/{trigger.BlobName}"));
                await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
            {
                // The trigger's storage failed before the function ran: a failed attempt, as in the extension.
                result = InvocationResult.Failure(message.MessageId, ex.Message);
            }

            if (result.Succeeded)
            {
                using var deleting = telemetry.Stage(HostTelemetry.Stages.QueueDelete);
                await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, stoppingToken).ConfigureAwait(false);
            }
            else if (message.DequeueCount >= MaxDequeueCount)
            {
                await PoisonAsync(function, message, stoppingToken).ConfigureAwait(false);
            }
            else
            {
                LogRetrying(function.Name, LogText.Escape(trigger.BlobName), message.DequeueCount, MaxDequeueCount);
                await queue.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping: give the message back now rather than after its visibility timeout.
            await ReleaseAsync(message).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // Storage failed around the run: the message reappears after its visibility timeout.
            LogQueueFailed(ex);
        }
    }

    /// <summary>Copies the message, byte for byte, to the poison queue of the trigger's account, then deletes it.</summary>
    private async Task PoisonAsync(FunctionDescriptor? function, QueueMessage message, CancellationToken cancellationToken)
    {
        var connection = function?.Blob?.Connection ?? StorageAccounts.HostConnection;
        var poison = accounts.Queues(connection).GetQueueClient(BlobTriggerQueue.PoisonQueue);
        await poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await poison.SendMessageAsync(message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
        await queue.Queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
        var trigger = BlobTriggerMessage.TryParse(message.Body.ToString());
        LogPoisoned(function?.Name ?? "(unknown)", message.DequeueCount, BlobTriggerQueue.PoisonQueue, LogText.Escape(trigger is null ? message.Body.ToString() : $"{trigger.ContainerName}/{trigger.BlobName} {trigger.ETag}"));
    }

    private async Task ReleaseAsync(QueueMessage message)
    {
        try
        {
            await queue.Queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            LogQueueFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed on {BlobName} (dequeue {DequeueCount} of {MaxDequeueCount}); the message is visible again at once")]
    private partial void LogRetrying(string function, string blobName, long dequeueCount, int maxDequeueCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} gave up after {DequeueCount} dequeues: the message is on queue {PoisonQueue}: {Blob}")]
    private partial void LogPoisoned(string function, long dequeueCount, string poisonQueue, string blob);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function}: blob {Blob} no longer exists; its message is dropped")]
    private partial void LogBlobGone(string function, string blob);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A blob-trigger message names function {FunctionId}, which is not one this app registers (Host.Functions.{{name}} or Functions.{{name}}, case-sensitive); deleted without a run, as Azure's host does (the sweep ingests its blob)")]
    private partial void LogUnknownFunction(string functionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The blob-trigger queue could not be read or updated; trying again")]
    private partial void LogQueueFailed(Exception exception);
}
