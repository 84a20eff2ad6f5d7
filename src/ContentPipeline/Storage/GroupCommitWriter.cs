using System.Net;
using Azure;
using Azure.Data.Tables;

namespace ContentPipeline.Storage;

/// <summary>
/// Writes a table's entities with group commit: concurrent callers put their upserts and deletes in a queue per
/// partition, and each partition sends what has gathered as one transaction (at most 100 operations, one per entity)
/// while no other transaction of that partition is in flight. Nothing waits on a timer: a lone write goes out at once,
/// and under load the batches grow by themselves. Every <c>published</c> article has an entry in the one
/// <c>published</c> index partition, and every ingested blob a record in one outcome partition, so concurrent ingests
/// share transactions there. Writes to one partition land in the order they were asked for; an upsert of an entity whose
/// earlier upsert is still queued takes that one's place (the newer content, asked for later, is what would have stayed),
/// so a hot entity written by many callers at once costs one operation per transaction, not one transaction per
/// caller. An operation the service refuses fails only its own caller (see <see cref="SendAsync(List{Operation})"/>).
/// </summary>
internal sealed class GroupCommitWriter(TableClient index, int busyRetries = GroupCommitWriter.MaxBusyRetries)
{
    /// <summary>Operations per transaction (the service's limit).</summary>
    public const int MaxBatchOperations = 100;

    /// <summary>
    /// Estimated entity bytes (two per character) per transaction. JSON may escape a character as six bytes, so this
    /// keeps a transaction under the service's 4 MiB payload limit whatever the text.
    /// </summary>
    public const long MaxBatchBytes = 1_200_000;

    /// <summary>
    /// Pauses before each new try of a transaction the service answered busy (429, or 503 Server Busy: a partition over
    /// its rate): the partition's queue waits meanwhile, so a throttled partition is written more slowly rather than
    /// failed at once, and its callers' triggers are not retried (and poisoned) in a burst. About a second and a half
    /// in all, each with up to a quarter more at random, on top of the Azure SDK's own retries.
    /// </summary>
    internal static readonly TimeSpan[] BusyBackoff = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(800)];

    /// <summary>The most tries again of a busy transaction: one per pause of <see cref="BusyBackoff"/>.</summary>
    internal const int MaxBusyRetries = 5;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, PartitionQueue> _queues = new(StringComparer.Ordinal);

    /// <summary>Upserts (replacing) <paramref name="upserts"/> and deletes <paramref name="deletes"/> (a missing entry is fine).</summary>
    public Task WriteAsync(IEnumerable<TableEntity> upserts, IEnumerable<IndexKey> deletes, CancellationToken cancellationToken)
    {
        var operations = upserts.Select(entity => new Operation(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity), EntityText.EstimateBytes(entity)))
            .Concat(deletes.Select(key => new Operation(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key.PartitionKey, key.RowKey), ETag.All), 0)))
            .ToList();
        if (operations.Count == 0)
        {
            return Task.CompletedTask;
        }

        List<string> idle = [];
        var waits = new List<Task>(operations.Count);
        lock (_gate)
        {
            foreach (var operation in operations)
            {
                var partition = operation.Action.Entity.PartitionKey;
                if (!_queues.TryGetValue(partition, out var queue))
                {
                    // No queue: nothing of this partition is in flight. This caller starts its sender.
                    _queues[partition] = queue = new PartitionQueue();
                    idle.Add(partition);
                }

                waits.Add(queue.Add(operation));
            }
        }

        foreach (var partition in idle)
        {
            _ = Task.Run(() => DrainAsync(partition), CancellationToken.None);
        }

        // The writes go on when a caller stops waiting (others may share their transaction); a failure after that is
        // left on the abandoned task, and the article's IndexSynced flag still says the index needs mending.
        return Task.WhenAll(waits).WaitAsync(cancellationToken);
    }

    /// <summary>Sends a partition's queue, a transaction at a time, until it is empty; then removes the queue.</summary>
    private async Task DrainAsync(string partition)
    {
        while (true)
        {
            List<Operation> batch;
            lock (_gate)
            {
                var queue = _queues[partition];
                batch = queue.Take();
                if (batch.Count == 0)
                {
                    _queues.Remove(partition);
                    return;
                }
            }

            try
            {
                await SendAsync(batch).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Not swallowed: handed to the callers that asked for these writes, which see it thrown.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // Whatever happens, the callers get an answer and the partition's queue keeps moving.
                batch.ForEach(o => o.Done.TrySetException(ex));
            }
        }
    }

    /// <summary>
    /// Sends a batch. When the service refuses one operation (a 4xx), only that operation's caller fails (a delete of an
    /// entry already gone is no failure) and the others go again, together when the service named the operation,
    /// one by one when it did not. A busy service (429, 503) is tried again after a pause (<see cref="BusyBackoff"/>).
    /// Anything else (a 5xx, a network failure, after the SDK's own retries), and a service still busy after the last
    /// pause, fails the whole batch, so the callers' triggers retry rather than this writer adding load one write at a time.
    /// </summary>
    private async Task SendAsync(List<Operation> batch)
    {
        while (batch.Count > 1)
        {
            try
            {
                await WhenNotBusyAsync(() => index.SubmitTransactionAsync(batch.Select(o => o.Action), CancellationToken.None)).ConfigureAwait(false);
                batch.ForEach(o => o.Done.TrySetResult());
                return;
            }
            catch (TableTransactionFailedException ex) when (IsRefusal(ex.Status) && ex.FailedTransactionActionIndex is { } failed && failed < batch.Count)
            {
                Refused(batch[failed], ex);
                batch.RemoveAt(failed);
            }
            catch (RequestFailedException ex) when (IsRefusal(ex.Status))
            {
                break; // refused, but the service did not say which operation: find it by sending each alone
            }
        }

        foreach (var operation in batch)
        {
            try
            {
                await WhenNotBusyAsync(() => SendOneAsync(operation.Action)).ConfigureAwait(false);
                operation.Done.TrySetResult();
            }
            catch (RequestFailedException ex)
            {
                operation.Done.TrySetException(ex);
            }
        }
    }

    /// <summary>
    /// Sends a request, and sends it again after each pause of <see cref="BusyBackoff"/> (the first
    /// <c>busyRetries</c> of them, <see cref="IndexOptions.BusyRetries"/>) while the service says it is busy.
    /// </summary>
    private async Task WhenNotBusyAsync(Func<Task> send)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await send().ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.TooManyRequests or (int)HttpStatusCode.ServiceUnavailable && attempt < Math.Min(busyRetries, BusyBackoff.Length))
            {
                var pause = BusyBackoff[attempt];
#pragma warning disable CA5394 // Jitter, not security: instances that were throttled together do not retry together.
                await Task.Delay(pause + (pause * (Random.Shared.NextDouble() / 4))).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }
    }

    /// <summary>A status that says this request is wrong, not that the service is busy or failing.</summary>
    private static bool IsRefusal(int status) =>
        status is >= 400 and < 500 and not (int)HttpStatusCode.RequestTimeout and not (int)HttpStatusCode.TooManyRequests;

    private static void Refused(Operation operation, RequestFailedException error)
    {
        if (operation.Action.ActionType == TableTransactionActionType.Delete && error.Status == (int)HttpStatusCode.NotFound)
        {
            operation.Done.TrySetResult(); // already gone: what the caller wanted
        }
        else
        {
            operation.Done.TrySetException(error);
        }
    }

    private Task SendOneAsync(TableTransactionAction action) => action.ActionType == TableTransactionActionType.Delete
        ? index.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, ETag.All, CancellationToken.None)
        : index.UpsertEntityAsync(action.Entity, TableUpdateMode.Replace, CancellationToken.None);

    private sealed class Operation(TableTransactionAction action, long bytes)
    {
        public TableTransactionAction Action { get; private set; } = action;

        public long Bytes { get; private set; } = bytes;

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsUpsert => Action.ActionType == TableTransactionActionType.UpsertReplace;

        /// <summary>Carries a later upsert of the same entity instead of this one.</summary>
        public void Replace(Operation later) => (Action, Bytes) = (later.Action, later.Bytes);
    }

    /// <summary>The operations of one partition waiting for a transaction (guarded by the writer's lock).</summary>
    private sealed class PartitionQueue
    {
        private readonly Queue<Operation> _queue = new();
        private readonly Dictionary<string, Operation> _queuedUpserts = new(StringComparer.Ordinal);

        /// <summary>Queues an operation, or folds an upsert into the queued upsert of its entity; returns what to wait on.</summary>
        public Task Add(Operation operation)
        {
            var row = operation.Action.Entity.RowKey;
            if (operation.IsUpsert && _queuedUpserts.TryGetValue(row, out var queued))
            {
                queued.Replace(operation);
                return queued.Done.Task;
            }

            _queue.Enqueue(operation);
            if (operation.IsUpsert)
            {
                _queuedUpserts[row] = operation;
            }
            else
            {
                _queuedUpserts.Remove(row); // an upsert after this delete must not move before it
            }

            return operation.Done.Task;
        }

        /// <summary>Takes operations from the head up to the limits, stopping before a second one for an entity.</summary>
        public List<Operation> Take()
        {
            var batch = new List<Operation>();
            var rows = new HashSet<string>(StringComparer.Ordinal);
            long bytes = 0;
            while (batch.Count < MaxBatchOperations && _queue.TryPeek(out var next)
                && (batch.Count == 0 || bytes + next.Bytes <= MaxBatchBytes)
                && rows.Add(next.Action.Entity.RowKey))
            {
                batch.Add(_queue.Dequeue());
                bytes += next.Bytes;
                if (_queuedUpserts.TryGetValue(next.Action.Entity.RowKey, out var queued) && queued == next)
                {
                    _queuedUpserts.Remove(next.Action.Entity.RowKey);
                }
            }

            return batch;
        }
    }
}
