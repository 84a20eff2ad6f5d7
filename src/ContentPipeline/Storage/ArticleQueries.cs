using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Azure;
using ContentPipeline.Articles;

namespace ContentPipeline.Storage;

/// <summary>
/// Newest-first lists read from the index. Every list is one partition (published, a category, a topic, a provider, or
/// drafts) read in RowKey order with the service's continuation token as the cursor; "all" merges the published and
/// drafts partitions by RowKey, and its cursor is the last RowKey served.
/// </summary>
public sealed class ArticleQueries(ArticleIndex index)
{
    /// <summary>The most items a page may hold.</summary>
    public const int MaxLimit = 100;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 20;

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
            ArticleStatus.Published => ReadPartitionAsync(IndexPartitions.Of(request.Filter), request, cancellationToken),
            ArticleStatus.Draft => ReadPartitionAsync(IndexPartitions.Drafts, request, cancellationToken),
            _ => ReadMergedAsync(request, cancellationToken),
        };
    }

    private async Task<ArticlePage> ReadPartitionAsync(string partition, ArticleListRequest request, CancellationToken cancellationToken)
    {
        var token = request.Cursor is null ? null : Cursor.Decode(request.Cursor, partition).Token;
        try
        {
            var (items, next) = await index.ReadPageAsync(partition, request.Limit, token, cancellationToken).ConfigureAwait(false);
            return new ArticlePage(items, next is null ? null : new Cursor(partition, next, null).Encode());
        }
        catch (RequestFailedException ex) when (token is not null && ex.Status == (int)HttpStatusCode.BadRequest)
        {
            // The token passed the format check but the service cannot continue from it (forged, or from another account).
            throw new InvalidCursorException("The table service cannot continue from this cursor: start the list again without it.", ex);
        }
    }

    private async Task<ArticlePage> ReadMergedAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        const string scope = IndexPartitions.Published + "+" + IndexPartitions.Drafts;
        var after = request.Cursor is null ? null : Cursor.Decode(request.Cursor, scope).After;
        var sources = await Task.WhenAll(
            index.ReadAfterAsync(IndexPartitions.Published, after, request.Limit, cancellationToken),
            index.ReadAfterAsync(IndexPartitions.Drafts, after, request.Limit, cancellationToken)).ConfigureAwait(false);

        // Items beyond the last row a partition returned while it has more cannot be ordered yet: stop before them.
        var cutoff = sources.Where(static s => s.HasMore && s.Entries.Count > 0).Select(static s => s.Entries[^1].RowKey).Min(StringComparer.Ordinal);
        var merged = sources.SelectMany(static s => s.Entries)
            .Where(e => cutoff is null || string.CompareOrdinal(e.RowKey, cutoff) <= 0)
            .OrderBy(static e => e.RowKey, StringComparer.Ordinal)
            .DistinctBy(static e => e.RowKey)
            .Take(request.Limit)
            .ToList();
        var more = merged.Count == request.Limit || sources.Any(static s => s.HasMore);
        var next = more && merged.Count > 0 ? new Cursor(scope, null, merged[^1].RowKey).Encode() : null;
        return new ArticlePage(merged.Select(static e => e.Summary).ToList(), next);
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
