using System.Text.Json;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using ContentPipeline.Diagnostics;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Ingest;

/// <summary>
/// Heals what the Functions host gives up on: it takes the ingest function's messages off the host's poison queue
/// (<see cref="StorageNames.PoisonQueue"/>, in the trigger's account), records each blob as failed with a next attempt
/// (<see cref="RedriveOptions"/>: 1, 5, 30 minutes, then hourly), and ingests the blobs whose attempt is due. An
/// outage longer than the host's five immediate tries thus loses nothing: once storage is back, the next due attempt
/// stores or rejects the file, with no person acting. What still fails after the last attempt stays in the failure
/// records, with its reason, for editors.
/// </summary>
public sealed partial class BlobRedriver
{
    private readonly QueueClient _poison;
    private readonly IngestService _ingest;
    private readonly IngestStateStore _state;
    private readonly RedriveOptions _options;
    private readonly ILogger<BlobRedriver> _logger;

    /// <summary>Creates the re-driver.</summary>
    public BlobRedriver(QueueServiceClient queues, IngestService ingest, IngestStateStore state, IOptions<RedriveOptions> options, ILogger<BlobRedriver> logger)
    {
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        _poison = queues.GetQueueClient(StorageNames.PoisonQueue);
        _ingest = ingest;
        _state = state;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>One run: drain the poison queue into failure records, then try the blobs that are due.</summary>
    public async Task<RedriveResult> RunAsync(CancellationToken cancellationToken)
    {
        var poisoned = await DrainPoisonAsync(cancellationToken).ConfigureAwait(false);
        var due = await _state.GetDueAsync(_options.MaxPerRun, cancellationToken).ConfigureAwait(false);
        var (ingested, failed) = (0, 0);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (blob, ct) =>
        {
            if (await TryIngestAsync(blob, ct).ConfigureAwait(false))
            {
                Interlocked.Increment(ref ingested);
            }
            else
            {
                Interlocked.Increment(ref failed);
            }
        }).ConfigureAwait(false);

        if (poisoned + due.Count > 0)
        {
            LogRun(poisoned, ingested, failed);
        }

        return new RedriveResult(poisoned, ingested, failed);
    }

    /// <summary>Takes the ingest function's poison messages and records their blobs as failed, due for another try.</summary>
    private async Task<int> DrainPoisonAsync(CancellationToken cancellationToken)
    {
        var drained = 0;
        while (drained < _options.MaxPerRun)
        {
            QueueMessage[] messages;
            try
            {
                messages = (await _poison.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1), cancellationToken).ConfigureAwait(false)).Value;
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                return drained; // no poison queue yet: nothing was ever poisoned
            }

            if (messages.Length == 0)
            {
                return drained;
            }

            // The batch's blobs are recorded at once (a few requests each). Each message's own failure is caught, so that
            // it cannot cancel its siblings halfway: a message whose record fails (storage is still failing) is given back
            // at once for the next run, and the run fails once the batch is done.
            var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
            await Parallel.ForEachAsync(messages, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (message, _) =>
            {
                if (PoisonedBlob.TryRead(message.Body.ToString()) is not { } blob)
                {
                    return; // another function's message, or not a blob trigger's: not ours to take (it reappears in a minute)
                }

                BlobFailure failure;
                try
                {
                    failure = await _state.RecordFailureAsync(blob.Container, blob.Name, blob.ETag, "The Functions host gave up after five immediate tries (the message went to the poison queue).", cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
                {
                    failures.Enqueue(ex);
                    await TryReleaseAsync(message).ConfigureAwait(false);
                    return;
                }

                try
                {
                    await _poison.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
                {
                    failures.Enqueue(ex); // recorded: should the message come back, recording it again only counts one more attempt
                    return;
                }

                LogPoisoned(LogText.Escape(blob.Name), failure.NextAttemptAt);
                Interlocked.Increment(ref drained);
            }).ConfigureAwait(false);

            if (failures.TryPeek(out var first))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
            }
        }

        return drained;
    }

    /// <summary>Gives a message back at once for the next run; if even that fails, it comes back when its lease ends.</summary>
    private async Task TryReleaseAsync(QueueMessage message)
    {
        try
        {
            await _poison.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero, cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException)
        {
            // Storage is failing: the message reappears in a minute by itself.
        }
    }

    private async Task<bool> TryIngestAsync(DueBlob blob, CancellationToken cancellationToken)
    {
        try
        {
            var result = await _ingest.IngestAsync(blob.Container, blob.BlobName, cancellationToken).ConfigureAwait(false);
            await _state.ResolveAsync(blob, cancellationToken).ConfigureAwait(false);
            LogRedriven(LogText.Escape(blob.BlobName), result.Outcome);
            return true;
        }
#pragma warning disable CA1031 // Not swallowed: the failure is recorded with its reason and the blob tried again later (or given up, visible to editors).
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            var failure = await _state.RecordFailureAsync(blob.Container, blob.BlobName, blob.ETag, $"{ex.GetType().Name}: {ex.Message}", cancellationToken).ConfigureAwait(false);
            await _state.RemoveScheduleEntryAsync(blob, cancellationToken).ConfigureAwait(false);
            if (failure.GaveUp)
            {
                LogGaveUp(ex, LogText.Escape(blob.BlobName), failure.Attempts);
            }
            else
            {
                LogFailedAgain(LogText.Escape(blob.BlobName), failure.Attempts, failure.NextAttemptAt);
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-drive: {Poisoned} poisoned blobs recorded, {Ingested} ingested, {Failed} failed again")]
    private partial void LogRun(int poisoned, int ingested, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{BlobName} was poisoned; it is tried again at {NextAttemptAt}")]
    private partial void LogPoisoned(string blobName, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "{BlobName} went through on a later try: {Outcome}")]
    private partial void LogRedriven(string blobName, IngestOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{BlobName} failed again (attempt {Attempts}); next try at {NextAttemptAt}")]
    private partial void LogFailedAgain(string blobName, int attempts, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Gave up on {BlobName} after {Attempts} attempts; editors see it with this error")]
    private partial void LogGaveUp(Exception exception, string blobName, int attempts);

    /// <summary>A blob-trigger poison message of the ingest function, as the Functions host writes it.</summary>
    private sealed record PoisonedBlob(string Container, string Name, string? ETag)
    {
        private const string FunctionName = "IngestArticle";

        public static PoisonedBlob? TryRead(string body)
        {
            try
            {
                using var json = JsonDocument.Parse(body);
                var root = json.RootElement;
                return root.ValueKind == JsonValueKind.Object
                    && Text(root, "FunctionId") is { } function && (function == FunctionName || function.EndsWith("." + FunctionName, StringComparison.Ordinal) || function.EndsWith($".{FunctionName}.RunAsync", StringComparison.Ordinal))
                    && Text(root, "ContainerName") is { Length: > 0 } container && Text(root, "BlobName") is { Length: > 0 } name
                        ? new PoisonedBlob(container, name, Text(root, "ETag"))
                        : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string? Text(JsonElement root, string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
