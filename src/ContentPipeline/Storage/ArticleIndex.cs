using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Changes;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Storage;

/// <summary>
/// The index table and its one owner (partition naming: <see cref="IndexPartitions"/>). It holds the newest-first lists,
/// whose entries carry an <see cref="ArticleSummary"/>; the catalog of published lists, one row per list written after
/// every change of the list, so that "what changed since?" costs a read of the catalog, not of the lists; and the
/// pending saves, so that repair finds unfinished updates without reading every article. Writes go through group
/// commit (<see cref="GroupCommitWriter"/>); reads are partition reads, newest first.
/// </summary>
public sealed class ArticleIndex : IAsyncDisposable
{
    /// <summary>Pending records name their article under another column than entries do, so "ArticleId eq …" finds entries only.</summary>
    private const string SavingProperty = "SavingArticle";
    private const string StartedAtProperty = "StartedAt";
    private const string ListsProperty = "Lists";

    /// <summary>The most entities the table service returns per page.</summary>
    private const int MaxPageSize = 1000;

    private readonly TableClient _table;
    private readonly GroupCommitWriter _writer;
    private readonly CatalogWriter _catalog;
    private readonly TimeProvider _time;

    /// <summary>Creates the index over the pipeline's index table.</summary>
    public ArticleIndex(TableServiceClient tables, TimeProvider time, IOptions<IndexOptions> options)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(options);
        _table = tables.GetTableClient(StorageNames.IndexTable);
        _writer = new GroupCommitWriter(_table, options.Value.BusyRetries);
        _catalog = new CatalogWriter(_writer, time, options.Value.CatalogInterval);
        WriteBehind = new IndexWriteBehind(options.Value.WriteBehindSaves);
        _time = time;
    }

    /// <summary>The uploads' saves whose entries are being written behind them.</summary>
    internal IndexWriteBehind WriteBehind { get; }

    /// <summary>Lets the saves written behind finish (a graceful stop of the app disposes its singletons).</summary>
    public async ValueTask DisposeAsync() => await WriteBehind.DrainAsync().ConfigureAwait(false);

    /// <summary>
    /// Writes an article's entries under <paramref name="keys"/> and removes <paramref name="stale"/> ones; then writes the
    /// catalog rows of the published lists either touched. In that order: a reader that sees a list's change in the
    /// catalog finds it in the list. A list written within the catalog interval (<see cref="IndexOptions"/>) gets its row
    /// at the interval's end: the returned task is that write, which the save's pending record waits for.
    /// </summary>
    /// <remarks>
    /// <paramref name="change"/> (the version, its state before and after) goes to the change log when it is one
    /// (<see cref="ChangeLog"/>): beside the entries, and again, stamped anew, when the write took long.
    /// </remarks>
    internal async Task<Task> WriteAsync(
        ArticleSummary summary, IReadOnlyCollection<IndexKey> keys, IReadOnlyCollection<IndexKey> stale, (long Version, ArticleState? From, ArticleState To)? change, CancellationToken cancellationToken)
    {
        // List entries carry the summary; the due entry only names its article.
        var entries = ArticleEntityCodec.EncodeSummaries(summary, keys.Where(static k => k.PartitionKey != IndexPartitions.Due))
            .Concat(keys.Where(static k => k.PartitionKey == IndexPartitions.Due).Select(k => new TableEntity(k.PartitionKey, k.RowKey) { [ArticleEntityCodec.Props.ArticleId] = summary.Id }));
        var logged = change is var (version, from, to) && ChangeLog.IsLogged(from, to) ? change : null;
        var stamped = _time.GetUtcNow();
        if (logged is var (v, f, t))
        {
            entries = entries.Append(ChangeLog.Entry(summary, v, f, t, stamped));
        }

        await _writer.WriteAsync(entries, stale, cancellationToken).ConfigureAwait(false);

        // Each write that took long enough for a reader to have read past its stamp is followed by one stamped anew, until
        // one is quick (or fails, and the save with it). A save cut short leaves its pending record: repair applies it
        // again, and logs it again.
        while (logged is var (v2, f2, t2) && _time.GetUtcNow() is var now && now - stamped > ChangeLog.RestampAfter)
        {
            stamped = now;
            await _writer.WriteAsync([ChangeLog.Entry(summary, v2, f2, t2, now)], [], cancellationToken).ConfigureAwait(false);
        }

        return await _catalog.TouchAsync(ListsOf(keys.Concat(stale)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The published lists among <paramref name="keys"/>' partitions, each once.</summary>
    internal static IReadOnlyCollection<string> ListsOf(IEnumerable<IndexKey> keys) =>
        keys.Select(static k => k.PartitionKey).Where(static p => IndexPartitions.TryParseList(p, out _)).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Writes the catalog rows of <paramref name="lists"/> now (repair, for a save whose process died before them).</summary>
    internal Task RewriteCatalogAsync(IEnumerable<string> lists, CancellationToken cancellationToken) =>
        _catalog.WriteNowAsync(lists, cancellationToken);

    /// <summary>One page of a list from a continuation token, and the token of the next page (null on the last).</summary>
    /// <exception cref="RequestFailedException">Status 400: the service cannot continue from <paramref name="token"/>.</exception>
    public async Task<(IReadOnlyList<ArticleSummary> Items, string? Next)> ReadPageAsync(string partition, int limit, string? token, CancellationToken cancellationToken)
    {
        await foreach (var page in Query(partition, after: null, limit, cancellationToken, ArticleEntityCodec.ListColumns).AsPages(token, limit).ConfigureAwait(false))
        {
            return (page.Values.Select(ArticleEntityCodec.DecodeSummary).ToList(), page.ContinuationToken);
        }

        return ([], null);
    }

    /// <summary>The newest <paramref name="count"/> entries of a list (fewer when it holds fewer): what a feed shows.</summary>
    public async Task<IReadOnlyList<ArticleSummary>> ReadNewestAsync(string partition, int count, CancellationToken cancellationToken)
    {
        var items = new List<ArticleSummary>(count);
        await foreach (var page in Query(partition, after: null, count, cancellationToken).AsPages(null, count).ConfigureAwait(false))
        {
            items.AddRange(page.Values.Take(count - items.Count).Select(ArticleEntityCodec.DecodeSummary));
            if (items.Count == count || page.ContinuationToken is null)
            {
                break;
            }
        }

        return items;
    }

    /// <summary>Every entry of a list as a link, newest first, a page (1,000 entries) per request: what a sitemap reads.</summary>
    public async IAsyncEnumerable<ArticleLink> ReadLinksAsync(string partition, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var entity in Query(partition, after: null, MaxPageSize, cancellationToken, ArticleEntityCodec.LinkColumns).ConfigureAwait(false))
        {
            yield return ArticleEntityCodec.DecodeLink(entity);
        }
    }

    /// <summary>
    /// The first entries of a list after the RowKey <paramref name="after"/> (from the start when null), and whether it
    /// holds more. Reads on past pages the service answers empty, so the entries are the list's next ones.
    /// </summary>
    internal async Task<(IReadOnlyList<IndexEntry> Entries, bool HasMore)> ReadAfterAsync(string partition, string? after, int limit, CancellationToken cancellationToken)
    {
        await foreach (var page in Query(partition, after, limit, cancellationToken, ArticleEntityCodec.ListColumns).AsPages(null, limit).ConfigureAwait(false))
        {
            if (page.Values.Count > 0 || page.ContinuationToken is null)
            {
                var entries = page.Values.Select(static e => new IndexEntry(e.RowKey, ArticleEntityCodec.DecodeSummary(e))).ToList();
                return (entries, page.ContinuationToken is not null || entries.Count == limit);
            }
        }

        return ([], false);
    }

    /// <summary>
    /// When any published list last changed, or null when none ever held an article: the catalog row of
    /// <c>published</c>, which every change of a published list changes too. One point read.
    /// </summary>
    public async Task<DateTimeOffset?> LastChangeAsync(CancellationToken cancellationToken)
    {
        var row = await _table.GetEntityIfExistsAsync<TableEntity>(IndexPartitions.Catalog, IndexPartitions.Published, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value!.Timestamp : null;
    }

    /// <summary>The published lists that changed after <paramref name="changedAfter"/> (every list when null).</summary>
    public async Task<CatalogRead> ReadCatalogAsync(DateTimeOffset? changedAfter, CancellationToken cancellationToken)
    {
        var filter = changedAfter is { } since
            ? TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Catalog} and Timestamp gt {since}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Catalog}");
        var lists = new List<CatalogEntry>();
        DateTimeOffset? readAt = null;
        await foreach (var page in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).AsPages().ConfigureAwait(false))
        {
            readAt ??= page.GetRawResponse().Headers.Date ?? throw new InvalidOperationException("The table service sent no Date header.");
            foreach (var row in page.Values)
            {
                if (IndexPartitions.TryParseList(row.RowKey, out var list))
                {
                    lists.Add(new CatalogEntry(row.RowKey, list, row.Timestamp ?? DateTimeOffset.MinValue, row.ETag));
                }
            }
        }

        return new CatalogRead(lists, readAt ?? throw new InvalidOperationException("The table service returned no page."));
    }

    /// <summary>
    /// Removes a list found empty from the catalog, unless it changed since <paramref name="list"/> was read (then an
    /// article arrived meanwhile, and the list stays); returns whether it was removed.
    /// </summary>
    public async Task<bool> ForgetAsync(CatalogEntry list, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(list);
        try
        {
            await _table.DeleteEntityAsync(IndexPartitions.Catalog, list.Partition, list.ETag, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return true;
        }
    }

    /// <summary>The due entries up to <paramref name="now"/>, soonest first, at most <paramref name="max"/>: each with its article.</summary>
    internal async Task<IReadOnlyList<(IndexKey Key, string ArticleId)>> ListDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        var until = IndexPartitions.DueKey(now, "\uffff").RowKey; // every entry due at or before now
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Due} and RowKey le {until}");
        var due = new List<(IndexKey, string)>();
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, Math.Min(max, MaxPageSize), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            due.Add((new IndexKey(row.PartitionKey, row.RowKey), row.GetString(ArticleEntityCodec.Props.ArticleId)));
            if (due.Count == max)
            {
                break;
            }
        }

        return due;
    }

    /// <summary>Removes one entry (a missing one is fine).</summary>
    internal Task RemoveAsync(IndexKey key, CancellationToken cancellationToken) => _writer.WriteAsync([], [key], cancellationToken);

    /// <summary>
    /// Records that a save of an article is about to leave its index behind, with the published lists whose catalog
    /// rows it will write; returns the record.
    /// </summary>
    internal async Task<PendingSave> BeginSaveAsync(string articleId, IReadOnlyCollection<string> lists, CancellationToken cancellationToken)
    {
        var save = new PendingSave(articleId, $"{articleId}|{Guid.NewGuid():N}", _time.GetUtcNow(), lists);
        var row = PendingRow(save);
        await _writer.WriteAsync([row], [], cancellationToken).ConfigureAwait(false);
        return save;
    }

    /// <summary>Names more lists in a save's record (the same record, rewritten); returns it.</summary>
    internal async Task<PendingSave> ExtendSaveAsync(PendingSave save, IEnumerable<string> lists, CancellationToken cancellationToken)
    {
        var extended = save with { Lists = save.Lists.Union(lists, StringComparer.Ordinal).ToList() };
        await _writer.WriteAsync([PendingRow(extended)], [], cancellationToken).ConfigureAwait(false);
        return extended;
    }

    /// <summary>Removes the record of a save whose index is in step.</summary>
    internal Task EndSaveAsync(PendingSave save, CancellationToken cancellationToken) =>
        _writer.WriteAsync([], [new IndexKey(IndexPartitions.Pending, save.RowKey)], cancellationToken);

    private static TableEntity PendingRow(PendingSave save) => new(IndexPartitions.Pending, save.RowKey)
    {
        [SavingProperty] = save.ArticleId,
        [StartedAtProperty] = save.StartedAt,
        [ListsProperty] = string.Join('\n', save.Lists),
    };

    /// <summary>Every recorded save: those under way and those cut short. Reads nothing else.</summary>
    internal async Task<IReadOnlyList<PendingSave>> ListPendingAsync(CancellationToken cancellationToken)
    {
        var saves = new List<PendingSave>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending}");
        await foreach (var row in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var lists = row.GetString(ListsProperty) is { Length: > 0 } text ? text.Split('\n') : [];
            saves.Add(new PendingSave(row.GetString(SavingProperty), row.RowKey, row.GetDateTimeOffset(StartedAtProperty) ?? DateTimeOffset.MinValue, lists));
        }

        return saves;
    }

    private AsyncPageable<TableEntity> Query(string partition, string? after, int pageSize, CancellationToken cancellationToken, IEnumerable<string>? columns = null)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after}");
        return _table.QueryAsync<TableEntity>(filter, pageSize, columns, cancellationToken);
    }
}
