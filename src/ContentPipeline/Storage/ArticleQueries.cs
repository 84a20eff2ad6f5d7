using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// Newest-first lists read from the index table. Every list is one partition (published, a category, a topic, a
/// provider, or drafts) read in RowKey order with the service's continuation token as the cursor; "all" merges the
/// published and drafts partitions by RowKey, and its cursor is the last RowKey served.
/// </summary>
public sealed class ArticleQueries
{
    /// <summary>The most items a page may hold.</summary>
    public const int MaxLimit = 100;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 20;

    private readonly TableClient _index;

    /// <summary>Creates the queries over the pipeline's index table.</summary>
    public ArticleQueries(TableServiceClient tables)
    {
        ArgumentNullException.ThrowIfNull(tables);
        _index = tables.GetTableClient(StorageNames.IndexTable);
    }

    /// <summary>Reads one page.</summary>
    /// <exception cref="InvalidCursorException">The cursor was not returned by this same list.</exception>
    public Task<ArticlePage> ListAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Limit, MaxLimit);
        if (request.Filter is not null && request.Status != ArticleStatus.Published)
        {
            throw new ArgumentException("Filters apply to published articles only.", nameof(request));
        }

        return request.Status switch
        {
            ArticleStatus.Published => ReadPartitionAsync(Partition(request.Filter), request, cancellationToken),
            ArticleStatus.Draft => ReadPartitionAsync(IndexPartitions.Drafts, request, cancellationToken),
            _ => ReadMergedAsync(request, cancellationToken),
        };
    }

    /// <summary>The partition that holds a published list.</summary>
    public static string Partition(ArticleFilter? filter) => filter switch
    {
        null => IndexPartitions.Published,
        { Kind: ArticleFilterKind.Category } => IndexPartitions.Category(filter.Slug),
        { Kind: ArticleFilterKind.Topic } => IndexPartitions.Topic(filter.Slug),
        _ => IndexPartitions.Provider(filter.Slug),
    };

    private async Task<ArticlePage> ReadPartitionAsync(string partition, ArticleListRequest request, CancellationToken cancellationToken)
    {
        var token = request.Cursor is null ? null : Cursor.Decode(request.Cursor, partition).Token;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        try
        {
            await foreach (var page in _index.QueryAsync<TableEntity>(filter, request.Limit, cancellationToken: cancellationToken)
                               .AsPages(token, request.Limit).ConfigureAwait(false))
            {
                var items = page.Values.Select(ArticleEntityCodec.DecodeSummary).ToList();
                return new ArticlePage(items, page.ContinuationToken is { } next ? new Cursor(partition, next, null).Encode() : null);
            }
        }
        catch (RequestFailedException ex) when (token is not null && ex.Status == (int)HttpStatusCode.BadRequest)
        {
            // The token passed the format check but the service cannot continue from it (forged, or from another account).
            throw new InvalidCursorException("The table service cannot continue from this cursor: start the list again without it.", ex);
        }

        return new ArticlePage([], null);
    }

    private async Task<ArticlePage> ReadMergedAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        const string scope = IndexPartitions.Published + "+" + IndexPartitions.Drafts;
        var after = request.Cursor is null ? null : Cursor.Decode(request.Cursor, scope).After;
        var sources = await Task.WhenAll(
            FirstPageAsync(IndexPartitions.Published, after, request.Limit, cancellationToken),
            FirstPageAsync(IndexPartitions.Drafts, after, request.Limit, cancellationToken)).ConfigureAwait(false);

        // Items beyond the last row a partition returned while it has more cannot be ordered yet: stop before them.
        var cutoff = sources.Where(static s => s.HasMore && s.Entities.Count > 0).Select(static s => s.Entities[^1].RowKey).Min(StringComparer.Ordinal);
        var merged = sources.SelectMany(static s => s.Entities)
            .Where(e => cutoff is null || string.CompareOrdinal(e.RowKey, cutoff) <= 0)
            .OrderBy(static e => e.RowKey, StringComparer.Ordinal)
            .DistinctBy(static e => e.RowKey)
            .Take(request.Limit)
            .ToList();
        var more = merged.Count == request.Limit || sources.Any(static s => s.HasMore);
        var next = more && merged.Count > 0 ? new Cursor(scope, null, merged[^1].RowKey).Encode() : null;
        return new ArticlePage(merged.Select(ArticleEntityCodec.DecodeSummary).ToList(), next);
    }

    private async Task<(List<TableEntity> Entities, bool HasMore)> FirstPageAsync(string partition, string? after, int limit, CancellationToken cancellationToken)
    {
        var filter = after is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {after}");
        // The service may answer a page with no entities but a continuation token: read on until it has some or is done,
        // or the merge could serve one partition's rows past the other's unseen ones.
        await foreach (var page in _index.QueryAsync<TableEntity>(filter, limit, cancellationToken: cancellationToken).AsPages(null, limit).ConfigureAwait(false))
        {
            if (page.Values.Count > 0 || page.ContinuationToken is null)
            {
                return (page.Values.ToList(), page.ContinuationToken is not null || page.Values.Count == limit);
            }
        }

        return ([], false);
    }

    /// <summary>The opaque cursor: base64url JSON naming the list it belongs to and where to continue.</summary>
    private sealed record Cursor(string Scope, string? Token, string? After)
    {
        public string Encode() => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(this, ArticleJson.Options));

        public static Cursor Decode(string text, string scope)
        {
            Cursor? cursor;
            try
            {
                cursor = JsonSerializer.Deserialize<Cursor>(Base64Url.DecodeFromChars(text), ArticleJson.Options);
            }
            catch (FormatException ex)
            {
                throw new InvalidCursorException("The cursor is not valid base64url.", ex);
            }
            catch (JsonException ex)
            {
                throw new InvalidCursorException("The cursor is not one this API returned.", ex);
            }

            if (cursor is null || cursor.Scope != scope || (cursor.Token is null && cursor.After is null))
            {
                throw new InvalidCursorException("The cursor belongs to another list: keep the same filters and status while paging.");
            }

            if ((cursor.Token is not null && !TableContinuation.IsWellFormed(cursor.Token)) || (cursor.After is not null && !IndexPartitions.IsRowKey(cursor.After)))
            {
                throw new InvalidCursorException("The cursor is not one this API returned.");
            }

            return cursor;
        }
    }
}
