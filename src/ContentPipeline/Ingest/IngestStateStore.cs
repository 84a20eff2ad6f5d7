using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Ingest;

/// <summary>
/// The app's own record of the incoming container, in table <see cref="StorageNames.IngestStateTable"/>:
/// <list type="bullet">
/// <item>an outcome per blob name (partition = the container, RowKey = <see cref="SourceKey"/>, so a page of a blob
/// listing maps to one range of rows): the ETag it is about, what happened, the article;</item>
/// <item><c>failures</c>: blobs that failed, how often and why, and when they are tried next (none: given up);</item>
/// <item><c>redrive</c>: the schedule of next attempts, RowKey = due time, so what is due is one range query;</item>
/// <item><c>sweep</c>: where the sweep of each container stopped.</item>
/// </list>
/// Outcomes are group-committed: concurrent ingests share transactions in the container's partition.
/// </summary>
public sealed class IngestStateStore
{
    private const string FailuresPartition = "failures";
    private const string RedrivePartition = "redrive";
    private const string SweepPartition = "sweep";
    private const int MaxErrorLength = 4_000;

    private readonly TableClient _table;
    private readonly BlobContainerClient _incoming;
    private readonly GroupCommitWriter _writer;
    private readonly TimeProvider _time;
    private readonly RedriveOptions _redrive;

    /// <summary>Creates the store.</summary>
    public IngestStateStore(TableServiceClient tables, BlobServiceClient blobs, TimeProvider time, IOptions<RedriveOptions> redrive, IOptions<IndexOptions> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(redrive);
        _table = tables.GetTableClient(StorageNames.IngestStateTable);
        _incoming = blobs.GetBlobContainerClient(StorageNames.IncomingContainer);
        _writer = new GroupCommitWriter(_table, writes.Value.BusyRetries);
        _time = time;
        _redrive = redrive.Value;
    }

    /// <summary>
    /// Records what happened to one version of a blob. An outcome without an article (a rejection) keeps the article an
    /// earlier version recorded: the file may still be that article's source, and its deletion must find it.
    /// </summary>
    public Task RecordOutcomeAsync(string container, string blobName, string etag, BlobOutcome outcome, string? articleId, CancellationToken cancellationToken)
    {
        var entity = OutcomeEntity(container, blobName, etag, outcome, articleId);
        return articleId is null
            ? _table.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken)
            : _writer.WriteAsync([entity], [], cancellationToken);
    }

    private TableEntity OutcomeEntity(string container, string blobName, string etag, BlobOutcome outcome, string? articleId)
    {
        var key = SourceKey.For(container, blobName);
        var entity = new TableEntity(key.PartitionKey, key.RowKey)
        {
            [Props.BlobName] = blobName,
            [Props.ETag] = Unquoted(etag),
            [Props.Outcome] = outcome.ToString(),
            [Props.At] = _time.GetUtcNow(),
        };
        if (articleId is not null)
        {
            entity[Props.ArticleId] = articleId;
        }

        return entity;
    }

    /// <summary>
    /// Records that a version failed, without losing what is known: the article id stays (merged, never erased), a final
    /// outcome of the same version stays (it went through after all), and another version's outcome is overwritten only
    /// when the failed version is the blob's current one (otherwise the recorded version is the newer, or the blob is
    /// gone and the record is what its deletion needs).
    /// </summary>
    private async Task RecordFailedOutcomeAsync(string container, string blobName, string etag, BlobOutcome outcome, CancellationToken cancellationToken)
    {
        var key = SourceKey.For(container, blobName);
        var failed = Unquoted(etag);
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var entity = OutcomeEntity(container, blobName, etag, outcome, articleId: null);
            try
            {
                if (!existing.HasValue)
                {
                    await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
                    return;
                }

                var recorded = DecodeOutcome(existing.Value!);
                var sameVersion = string.Equals(recorded.ETag, failed, StringComparison.Ordinal);
                if (sameVersion ? recorded.IsFinal && recorded.Outcome != BlobOutcome.GaveUp : !await IsCurrentVersionAsync(container, blobName, failed, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await _table.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
            {
                // Another outcome was recorded meanwhile: decide again from it.
            }
        }
    }

    private async Task<bool> IsCurrentVersionAsync(string container, string blobName, string etag, CancellationToken cancellationToken) =>
        BlobNames.TryGetClient(_incoming, container, blobName, out var blob, out _)
        && await blob.GetCurrentETagAsync(cancellationToken).ConfigureAwait(false) is { } current
        && string.Equals(Unquoted(current), etag, StringComparison.Ordinal);

    /// <summary>The recorded outcome of a blob, or null.</summary>
    public async Task<BlobOutcomeRecord?> GetOutcomeAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        var key = SourceKey.For(container, blobName);
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(key.PartitionKey, key.RowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? DecodeOutcome(entity.Value!) : null;
    }

    /// <summary>
    /// The recorded outcomes of the blobs whose names sort from <paramref name="first"/> to <paramref name="last"/>
    /// (a page of a listing), by blob name, in one range query. Names with hashed keys are not in the range: read them
    /// with <see cref="GetOutcomeAsync"/>.
    /// </summary>
    public async Task<Dictionary<string, BlobOutcomeRecord>> GetOutcomesAsync(string container, string first, string last, CancellationToken cancellationToken)
    {
        var (from, to) = (SourceKey.For(container, first), SourceKey.For(container, last));
        var outcomes = new Dictionary<string, BlobOutcomeRecord>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {container} and RowKey ge {(from.IsHashed ? string.Empty : from.RowKey)} and RowKey le {(to.IsHashed ? "\uFFFD" : to.RowKey)}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var outcome = DecodeOutcome(entity);
            outcomes[outcome.BlobName] = outcome;
        }

        return outcomes;
    }

    /// <summary>
    /// Records a failed attempt to ingest a blob, and schedules the next one (<see cref="RedriveOptions"/>), or gives
    /// up after <see cref="RedriveOptions.MaxAttempts"/>. Returns the failure as recorded.
    /// </summary>
    public async Task<BlobFailure> RecordFailureAsync(string container, string blobName, string? etag, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        var failureKey = FailureRowKey(container, blobName);
        for (var attempt = 1; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(FailuresPartition, failureKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var previous = existing.HasValue ? existing.Value! : null;
            var attempts = (previous?.GetInt32(Props.Attempts) ?? 0) + 1;
            var next = attempts >= _redrive.MaxAttempts ? (DateTimeOffset?)null : now + _redrive.DelayAfter(attempts);
            var failure = new BlobFailure(blobName, etag is null ? null : Unquoted(etag), attempts, Truncate(error), previous?.GetDateTimeOffset(Props.FirstFailedAt) ?? now, now, next);

            // The schedule entry first: a failure row never points at an attempt that nobody will make.
            var redriveKey = next is { } due ? $"{due.UtcTicks:D19}|{Hash(failureKey)}" : null;
            if (redriveKey is not null)
            {
                await _table.UpsertEntityAsync(
                    new TableEntity(RedrivePartition, redriveKey) { [Props.Container] = container, [Props.BlobName] = blobName, [Props.ETag] = etag },
                    TableUpdateMode.Replace,
                    cancellationToken).ConfigureAwait(false);
            }

            var row = EncodeFailure(container, failureKey, failure, redriveKey);
            try
            {
                if (previous is null)
                {
                    await _table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await _table.UpdateEntityAsync(row, previous.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed && attempt < 5)
            {
                continue; // another failure of the same blob was recorded meanwhile: count again from it
            }

            if (previous?.GetString(Props.RedriveKey) is { } stale && stale != redriveKey)
            {
                await DeleteIfExistsAsync(RedrivePartition, stale, cancellationToken).ConfigureAwait(false);
            }

            if (etag is not null)
            {
                await RecordFailedOutcomeAsync(container, blobName, etag, next is null ? BlobOutcome.GaveUp : BlobOutcome.Failed, cancellationToken).ConfigureAwait(false);
            }

            return failure;
        }
    }

    /// <summary>The failed blobs whose next attempt is due now, earliest first, at most <paramref name="max"/>.</summary>
    public async Task<IReadOnlyList<DueBlob>> GetDueAsync(int max, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {RedrivePartition} and RowKey le {$"{now.UtcTicks:D19}~"}");
        var due = new List<DueBlob>();
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(max, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var ticks = long.Parse(entity.RowKey.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture);
            due.Add(new DueBlob(entity.GetString(Props.Container), entity.GetString(Props.BlobName), entity.GetString(Props.ETag), new DateTimeOffset(ticks, TimeSpan.Zero), entity.RowKey));
            if (due.Count == max)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>The blob's attempt went through: its schedule entry and its failure record go.</summary>
    public async Task ResolveAsync(DueBlob due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        var failureKey = FailureRowKey(due.Container, due.BlobName);
        var failure = await _table.GetEntityIfExistsAsync<TableEntity>(FailuresPartition, failureKey, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (failure.HasValue && failure.Value!.GetString(Props.RedriveKey) == due.RowKey)
        {
            try
            {
                await _table.DeleteEntityAsync(FailuresPartition, failureKey, failure.Value.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException ex) when (ex.Status is (int)HttpStatusCode.NotFound or (int)HttpStatusCode.PreconditionFailed)
            {
                // Resolved, or failed again meanwhile (then it keeps its newer record).
            }
        }

        await DeleteIfExistsAsync(RedrivePartition, due.RowKey, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes one schedule entry (a failed attempt was rescheduled under another).</summary>
    public Task RemoveScheduleEntryAsync(DueBlob due, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(due);
        return DeleteIfExistsAsync(RedrivePartition, due.RowKey, cancellationToken);
    }

    /// <summary>
    /// The blobs that failed, being tried again or given up, in name order, one page. A failure whose blob has since
    /// been ingested (its outcome is final) is removed here rather than listed.
    /// </summary>
    public async Task<(IReadOnlyList<BlobFailure> Items, string? Cursor)> ListFailuresAsync(string? cursor, int limit, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {FailuresPartition}");
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages(cursor, limit).ConfigureAwait(false))
        {
            var items = new List<BlobFailure>(page.Values.Count);
            foreach (var entity in page.Values)
            {
                var failure = DecodeFailure(entity);
                var outcome = await GetOutcomeAsync(entity.GetString(Props.Container), failure.BlobName, cancellationToken).ConfigureAwait(false);
                if (outcome is { IsFinal: true } && outcome.Outcome != BlobOutcome.GaveUp && outcome.At > failure.LastFailedAt)
                {
                    await DeleteIfExistsAsync(FailuresPartition, entity.RowKey, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                items.Add(failure);
            }

            return (items, page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>The failure recorded for one blob, or null when it has none.</summary>
    public async Task<BlobFailure?> GetFailureAsync(string container, string blobName, CancellationToken cancellationToken)
    {
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(FailuresPartition, FailureRowKey(container, blobName), cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue ? DecodeFailure(entity.Value!) : null;
    }

    /// <summary>Where the sweep of <paramref name="container"/> stopped, or null before its first run.</summary>
    public async Task<SweepPosition?> GetSweepAsync(string container, CancellationToken cancellationToken)
    {
        var entity = await _table.GetEntityIfExistsAsync<TableEntity>(SweepPartition, container, cancellationToken: cancellationToken).ConfigureAwait(false);
        return entity.HasValue
            ? new SweepPosition(EntityText.Get(entity.Value!, Props.Marker), entity.Value!.GetDateTimeOffset(Props.PassStartedAt) ?? DateTimeOffset.MinValue)
            : null;
    }

    /// <summary>Saves where the sweep of <paramref name="container"/> stopped.</summary>
    public Task SaveSweepAsync(string container, SweepPosition position, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(position);
        var entity = new TableEntity(SweepPartition, container) { [Props.PassStartedAt] = position.PassStartedAt };
        EntityText.Set(entity, Props.Marker, position.Marker);
        return _table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
    }

    private static string FailureRowKey(string container, string blobName)
    {
        var key = SourceKey.For(container, blobName);
        return $"{key.PartitionKey}|{key.RowKey}";
    }

    /// <summary>
    /// ETags the way outcomes keep them, without quotes: the header form (<c>"0x8D…"</c>, as downloads and the host's
    /// poison messages have it) and the listing form (<c>0x8D…</c>) name the same version.
    /// </summary>
    public static string Unquoted(string etag)
    {
        ArgumentNullException.ThrowIfNull(etag);
        return etag.Trim('"');
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    private static string Truncate(string error) => error.Length <= MaxErrorLength ? error : error[..MaxErrorLength] + "…";

    private async Task DeleteIfExistsAsync(string partition, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await _table.DeleteEntityAsync(partition, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            // Already gone.
        }
    }

    private static BlobOutcomeRecord DecodeOutcome(TableEntity entity) => new(
        entity.GetString(Props.BlobName),
        entity.GetString(Props.ETag),
        Enum.Parse<BlobOutcome>(entity.GetString(Props.Outcome)),
        entity.GetString(Props.ArticleId),
        entity.GetDateTimeOffset(Props.At) ?? DateTimeOffset.MinValue);

    private static TableEntity EncodeFailure(string container, string rowKey, BlobFailure failure, string? redriveKey) => new(FailuresPartition, rowKey)
    {
        [Props.Container] = container,
        [Props.BlobName] = failure.BlobName,
        [Props.ETag] = failure.ETag,
        [Props.Attempts] = failure.Attempts,
        [Props.LastError] = failure.LastError,
        [Props.FirstFailedAt] = failure.FirstFailedAt,
        [Props.LastFailedAt] = failure.LastFailedAt,
        [Props.NextAttemptAt] = failure.NextAttemptAt,
        [Props.RedriveKey] = redriveKey,
    };

    private static BlobFailure DecodeFailure(TableEntity entity) => new(
        entity.GetString(Props.BlobName),
        entity.GetString(Props.ETag),
        entity.GetInt32(Props.Attempts) ?? 0,
        entity.GetString(Props.LastError) ?? string.Empty,
        entity.GetDateTimeOffset(Props.FirstFailedAt) ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset(Props.LastFailedAt) ?? DateTimeOffset.MinValue,
        entity.GetDateTimeOffset(Props.NextAttemptAt));

    private static class Props
    {
        public const string BlobName = nameof(BlobName);
        public const string Container = nameof(Container);
        public const string ETag = "BlobETag"; // not "ETag": the SDK keeps the entity's own ETag beside its properties
        public const string Outcome = nameof(Outcome);
        public const string ArticleId = nameof(ArticleId);
        public const string At = nameof(At);
        public const string Attempts = nameof(Attempts);
        public const string LastError = nameof(LastError);
        public const string FirstFailedAt = nameof(FirstFailedAt);
        public const string LastFailedAt = nameof(LastFailedAt);
        public const string NextAttemptAt = nameof(NextAttemptAt);
        public const string RedriveKey = nameof(RedriveKey);
        public const string Marker = nameof(Marker);
        public const string PassStartedAt = nameof(PassStartedAt);
    }
}
