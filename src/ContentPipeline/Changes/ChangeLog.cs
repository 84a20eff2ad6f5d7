using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Storage;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Changes;

/// <summary>
/// The change log (partition <see cref="IndexPartitions.Changes"/> of the index table): every save that changes an
/// article's state, or changes a published article, writes one entry beside its index entries, keyed by the time it
/// was stamped. Readers (the sync API, the webhook dispatcher) read it in key order after the last key they saw, so what
/// they pay is proportional to the changes, never to the archive.
/// <para>
/// Entries of several instances are stamped before they are written, so one stamped earlier can land after one stamped
/// later. Readers therefore only read entries stamped at least <see cref="SettleTime"/> ago, and a write that took longer
/// than <see cref="RestampAfter"/> is written again with a fresh stamp: an entry a reader could have passed over is
/// always followed by one it cannot have. Duplicates are harmless: each entry says the article's whole state.
/// </para>
/// </summary>
public sealed class ChangeLog(TableServiceClient tables, TimeProvider time, IOptions<ChangeOptions> options)
{
    /// <summary>How old an entry's stamp must be before readers read it.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(5);

    /// <summary>A write that took longer than this after its stamp is written again, stamped anew.</summary>
    internal static readonly TimeSpan RestampAfter = TimeSpan.FromSeconds(2);

    private const char Separator = '|';
    private const string VersionProperty = "Version";
    private const string FromProperty = "From";
    private const string ToProperty = "To";
    private const string AtProperty = "At";

    /// <summary>Entries name their article under a column of their own, so "ArticleId eq …" still finds list entries only.</summary>
    private const string ArticleProperty = "ChangedArticle";
    private const int PageSize = 1000;

    private readonly TableClient _table = tables.GetTableClient(StorageNames.IndexTable);
    private readonly ChangeOptions _options = options.Value;

    /// <summary>Entries stamped before this are read; later ones wait until they have settled.</summary>
    public DateTimeOffset ReadableBefore => time.GetUtcNow() - SettleTime;

    /// <summary>Entries stamped before this may have been pruned.</summary>
    public DateTimeOffset KeptSince => time.GetUtcNow() - _options.Retention;

    /// <summary>Whether a save from state <paramref name="from"/> (null: a new article) to <paramref name="to"/> is logged.</summary>
    internal static bool IsLogged(ArticleState? from, ArticleState to) =>
        to == ArticleState.Published || (from is { } f ? f != to : to != ArticleState.Draft);

    /// <summary>The entry of a change stamped at <paramref name="at"/>; the summary is kept only for a published article.</summary>
    internal static TableEntity Entry(ArticleSummary summary, long version, ArticleState? from, ArticleState to, DateTimeOffset at)
    {
        var key = new IndexKey(IndexPartitions.Changes, string.Create(CultureInfo.InvariantCulture, $"{KeyAt(at)}{Separator}{summary.Id}{Separator}{version:D19}"));
        var entity = to == ArticleState.Published ? ArticleEntityCodec.EncodeSummary(summary with { ContentHtml = null }, key) : new TableEntity(key.PartitionKey, key.RowKey);
        entity.Remove(ArticleEntityCodec.Props.ArticleId);
        entity[ArticleProperty] = summary.Id;
        entity[VersionProperty] = version;
        entity[ToProperty] = to.ToString();
        entity[AtProperty] = at;
        if (from is { } f)
        {
            entity[FromProperty] = f.ToString();
        }

        return entity;
    }

    /// <summary>The key before every entry stamped at or after <paramref name="at"/>.</summary>
    public static string KeyAt(DateTimeOffset at) => at.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>When an entry with key <paramref name="key"/> was stamped; false when it is not the shape of a key.</summary>
    public static bool TryStampOf(string? key, out DateTimeOffset at)
    {
        at = default;
        if (key is not { Length: 19 + 1 + ArticleId.Length + 1 + 19 } || key[19] != Separator || key[20 + ArticleId.Length] != Separator
            || key.AsSpan(0, 19).ContainsAnyExceptInRange('0', '9') || key.AsSpan(21 + ArticleId.Length).ContainsAnyExceptInRange('0', '9')
            || !ArticleId.IsWellFormed(key.Substring(20, ArticleId.Length))
            || !long.TryParse(key.AsSpan(0, 19), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        at = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// The settled entries after key <paramref name="after"/> (from <paramref name="since"/> when null), oldest first, at
    /// most <paramref name="limit"/>; whether more settled ones follow; and the position a reader is at once it has them
    /// all (the read's bound: every entry before it has settled), so a reader's position moves on even when nothing changes.
    /// </summary>
    public async Task<(IReadOnlyList<ArticleChange> Changes, bool More, string CaughtUp)> ReadAsync(string? after, DateTimeOffset since, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var from = after ?? KeyAt(since);
        var before = KeyAt(ReadableBefore);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Changes} and RowKey gt {from} and RowKey lt {before}");
        var changes = new List<ArticleChange>(Math.Min(limit, PageSize));
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, Math.Min(limit + 1, PageSize), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (changes.Count == limit)
            {
                return (changes, true, before);
            }

            changes.Add(Decode(entity));
        }

        return (changes, false, string.CompareOrdinal(before, from) > 0 ? before : from);
    }

    /// <summary>Every settled entry after <paramref name="after"/>, oldest first (the dispatcher's read).</summary>
    public async IAsyncEnumerable<ArticleChange> ReadAllAsync(string? after, DateTimeOffset since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Changes} and RowKey gt {after ?? KeyAt(since)} and RowKey lt {KeyAt(ReadableBefore)}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, PageSize, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Decode(entity);
        }
    }

    /// <summary>Deletes the entries older than the retention; returns how many.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Changes} and RowKey lt {KeyAt(KeptSince)}");
        return await _table.DeleteWhereAsync(filter, cancellationToken).ConfigureAwait(false);
    }

    private static ArticleChange Decode(TableEntity entity)
    {
        var to = Enum.Parse<ArticleState>(entity.GetString(ToProperty));
        ArticleState? from = entity.GetString(FromProperty) is { } f ? Enum.Parse<ArticleState>(f) : null;
        var id = entity.GetString(ArticleProperty);
        return new ArticleChange(
            entity.RowKey, id, entity.GetInt64(VersionProperty) ?? 0, from, to,
            entity.GetDateTimeOffset(AtProperty)?.ToUniversalTime() ?? default,
            to == ArticleState.Published ? ArticleEntityCodec.DecodeSummary(entity) with { Id = id } : null);
    }
}
