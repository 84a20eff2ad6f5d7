using System.Buffers.Text;
using System.Net;
using System.Text.Json;
using Azure;
using ContentPipeline.Articles;
using ContentPipeline.Ranking;
using ContentPipeline.Stories;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Storage;

/// <summary>
/// Newest-first lists read from the index. Every list is one partition (published, a category, a topic, a provider,
/// drafts, scheduled, expired, taken down) read in RowKey order with the service's continuation token as the cursor;
/// "all" merges the editors' partitions by RowKey, and its cursor is the last RowKey served. Each item says its state
/// at the time of reading, and its story (<see cref="StoryDirectory"/>). Story lists group a list's newest window by story.
/// </summary>
public sealed class ArticleQueries(ArticleIndex index, TimeProvider time, IOptions<RankingOptions>? ranking = null, StoryDirectory? stories = null, IOptions<StoryOptions>? storyOptions = null)
{
    private readonly RankingOptions _ranking = ranking?.Value ?? new RankingOptions();
    private readonly StoryOptions _storyOptions = storyOptions?.Value ?? new StoryOptions();

    /// <summary>What "all" merges: every article but removed ones, each in the partition of its state.</summary>
    private static readonly string[] EveryState = [IndexPartitions.Published, IndexPartitions.Drafts, IndexPartitions.Scheduled, IndexPartitions.Expired, IndexPartitions.TakenDown];

    /// <summary>The most items a page may hold.</summary>
    public const int MaxLimit = 100;

    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultLimit = 20;

    /// <summary>Hot lists' cursors name their scope after this, so a newest-first cursor is no hot one's.</summary>
    private const string HotScope = "hot:";

    /// <summary>Story lists' cursors name their scope after this.</summary>
    private const string StoriesScope = "stories:";

    /// <summary>The furthest a hot cursor can point: every state list's whole window.</summary>
    private const int MaxHotOffset = 5 * 1000;

    /// <summary>Reads one page; each item says its story.</summary>
    /// <exception cref="InvalidCursorException">The cursor was not returned by this same list.</exception>
    public async Task<ArticlePage> ListAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        var page = request.Order == ArticleOrder.Hot
            ? await ReadHotAsync(PartitionsOf(request), request, cancellationToken).ConfigureAwait(false)
            : await (request.Status switch
            {
                ArticleStatus.Published => ReadPartitionAsync(IndexPartitions.Of(request.Filter), request, cancellationToken),
                ArticleStatus.Draft => ReadPartitionAsync(IndexPartitions.Drafts, request, cancellationToken),
                ArticleStatus.Scheduled => ReadPartitionAsync(IndexPartitions.Scheduled, request, cancellationToken),
                ArticleStatus.Expired => ReadPartitionAsync(IndexPartitions.Expired, request, cancellationToken),
                ArticleStatus.TakenDown => ReadPartitionAsync(IndexPartitions.TakenDown, request, cancellationToken),
                _ => ReadMergedAsync(request, cancellationToken),
            }).ConfigureAwait(false);
        return request.Order == ArticleOrder.Hot ? page : page with { Items = await WithStoriesAsync(page.Items, request.VisibleOnly, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// Reads one page of a story list: the newest <see cref="StoryOptions.ListWindow"/> entries of the list (as a hot
    /// list reads its window, never the archive), those shown grouped by story, each story once, newest first (by its
    /// newest article) or hot (by its best article's <see cref="HotScore"/> with the story's sources).
    /// </summary>
    /// <exception cref="InvalidCursorException">The cursor was not returned by this same list.</exception>
    public async Task<StoryPage> ListStoriesAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        Check(request);
        var partitions = PartitionsOf(request);
        var scope = $"{StoriesScope}{request.Order}:{string.Join('+', partitions)}";
        var offset = OffsetOf(request.Cursor, scope);
        var window = await WithStoriesAsync(await ReadWindowAsync(partitions, _storyOptions.ListWindow, request.VisibleOnly, cancellationToken).ConfigureAwait(false), request.VisibleOnly, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var stories = window
            .GroupBy(static s => s.Story?.Id ?? $"article:{s.Id}", StringComparer.Ordinal)
            .Select(group =>
            {
                var lead = Story.Lead(group);
                var sources = lead.Story?.Sources ?? 1;
                var others = group.Where(s => s.Id != lead.Id).OrderByDescending(static s => s.PublishedDateTime).ToList();
                return (Story: new StorySummary(lead.Story?.Id, sources, lead, others, group.Max(static s => s.PublishedDateTime)),
                    Score: group.Max(s => HotScore.Of(s, now, _ranking, sources)));
            })
            .OrderByDescending(s => request.Order == ArticleOrder.Hot ? s.Score : s.Story.UpdatedAt.UtcTicks)
            .ThenByDescending(static s => s.Story.UpdatedAt)
            .ThenBy(static s => s.Story.Lead.Id, StringComparer.Ordinal)
            .Select(static s => s.Story)
            .ToList();
        var (page, next) = PageOf(stories, scope, offset, request.Limit);
        return new StoryPage(page, next);
    }

    /// <summary>Where a page of a ranked list (hot, stories) starts: the cursor's offset, checked against the list's scope.</summary>
    private static int OffsetOf(string? cursor, string scope) => cursor is null ? 0 : Cursor.Decode(cursor, scope).Offset ?? 0;

    /// <summary>A page of a ranked list from <paramref name="offset"/>, and the cursor to the rest (null at its end).</summary>
    private static (List<T> Items, string? Next) PageOf<T>(List<T> ranked, string scope, int offset, int limit)
    {
        var items = ranked.Skip(offset).Take(limit).ToList();
        return (items, offset + items.Count < ranked.Count ? new Cursor(scope, null, null) { Offset = offset + items.Count }.Encode() : null);
    }

    private static void Check(ArticleListRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThan(request.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(request.Limit, MaxLimit);
        if (request.Filter is not null && request.Status != ArticleStatus.Published)
        {
            throw new ArgumentException("Filters apply to published articles only.", nameof(request));
        }
    }

    private static IReadOnlyList<string> PartitionsOf(ArticleListRequest request) => request.Status switch
    {
        ArticleStatus.Published => [IndexPartitions.Of(request.Filter)],
        ArticleStatus.Draft => [IndexPartitions.Drafts],
        ArticleStatus.Scheduled => [IndexPartitions.Scheduled],
        ArticleStatus.Expired => [IndexPartitions.Expired],
        ArticleStatus.TakenDown => [IndexPartitions.TakenDown],
        _ => EveryState,
    };

    /// <summary>
    /// The items, each with its story (unchanged when stories are off); for <paramref name="readers"/>, the source count
    /// of what readers see.
    /// </summary>
    private async Task<IReadOnlyList<ArticleSummary>> WithStoriesAsync(IReadOnlyList<ArticleSummary> items, bool readers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        return stories is null ? items : await stories.LinkAsync(items, readers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest <paramref name="count"/> entries of each partition (one request each), as of now.</summary>
    private async Task<List<ArticleSummary>> ReadWindowAsync(IReadOnlyList<string> partitions, int count, bool visibleOnly, CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(partitions.Select(async partition =>
            (Partition: partition, Page: await index.ReadAfterAsync(partition, null, count, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        return AsOfNow(reads.SelectMany(static r => r.Page.Entries.Select(e => (r.Partition, e.Summary))), visibleOnly);
    }

    /// <summary>The items with their state now; for readers, only those shown now.</summary>
    private List<ArticleSummary> AsOfNow(IEnumerable<(string Partition, ArticleSummary Summary)> items, bool visibleOnly)
    {
        var now = time.GetUtcNow();
        return items
            .Select(i => i.Summary with
            {
                State = (i.Partition == IndexPartitions.TakenDown ? ArticleState.TakenDown : i.Summary.StateAt(now)).Name(),
            })
            .Where(s => !visibleOnly || s.State == ArticleState.Published.Name())
            .ToList();
    }

    private async Task<ArticlePage> ReadPartitionAsync(string partition, ArticleListRequest request, CancellationToken cancellationToken)
    {
        var token = request.Cursor is null ? null : Cursor.Decode(request.Cursor, partition).Token;
        try
        {
            var (items, next) = await index.ReadPageAsync(partition, request.Limit, token, cancellationToken).ConfigureAwait(false);
            return new ArticlePage(AsOfNow(items.Select(i => (partition, i)), request.VisibleOnly), next is null ? null : new Cursor(partition, next, null).Encode());
        }
        catch (RequestFailedException ex) when (token is not null && ex.Status == (int)HttpStatusCode.BadRequest)
        {
            // The token passed the format check but the service cannot continue from it (forged, or from another account).
            throw new InvalidCursorException("The table service cannot continue from this cursor: start the list again without it.", ex);
        }
    }

    /// <summary>
    /// A hot page: the newest <see cref="RankingOptions.Window"/> entries of each of <paramref name="partitions"/> (one
    /// request each), those shown ranked by <see cref="HotScore"/> with their story's sources (ties: newer first), from
    /// the cursor's offset on. The ranking is computed anew for each page, so an article may move between pages as time passes.
    /// </summary>
    private async Task<ArticlePage> ReadHotAsync(IReadOnlyList<string> partitions, ArticleListRequest request, CancellationToken cancellationToken)
    {
        var scope = $"{HotScope}{string.Join('+', partitions)}";
        var offset = OffsetOf(request.Cursor, scope);
        var window = await WithStoriesAsync(await ReadWindowAsync(partitions, _ranking.Window, request.VisibleOnly, cancellationToken).ConfigureAwait(false), request.VisibleOnly, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var ranked = window
            .OrderByDescending(s => HotScore.Of(s, now, _ranking, s.Story?.Sources ?? 1))
            .ThenByDescending(static s => s.PublishedDateTime)
            .ThenBy(static s => s.Id, StringComparer.Ordinal)
            .ToList();
        var (page, next) = PageOf(ranked, scope, offset, request.Limit);
        return new ArticlePage(page, next);
    }

    private async Task<ArticlePage> ReadMergedAsync(ArticleListRequest request, CancellationToken cancellationToken)
    {
        var scope = string.Join('+', EveryState);
        var after = request.Cursor is null ? null : Cursor.Decode(request.Cursor, scope).After;
        var sources = await Task.WhenAll(EveryState.Select(async partition =>
            (Partition: partition, Page: await index.ReadAfterAsync(partition, after, request.Limit, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);

        // Items beyond the last row a partition returned while it has more cannot be ordered yet: stop before them.
        var cutoff = sources.Where(static s => s.Page.HasMore && s.Page.Entries.Count > 0).Select(static s => s.Page.Entries[^1].RowKey).Min(StringComparer.Ordinal);
        var merged = sources.SelectMany(static s => s.Page.Entries.Select(e => (s.Partition, Entry: e)))
            .Where(e => cutoff is null || string.CompareOrdinal(e.Entry.RowKey, cutoff) <= 0)
            .OrderBy(static e => e.Entry.RowKey, StringComparer.Ordinal)
            .DistinctBy(static e => e.Entry.RowKey)
            .Take(request.Limit)
            .ToList();
        var more = merged.Count == request.Limit || sources.Any(static s => s.Page.HasMore);
        var next = more && merged.Count > 0 ? new Cursor(scope, null, merged[^1].Entry.RowKey).Encode() : null;
        return new ArticlePage(AsOfNow(merged.Select(static e => (e.Partition, e.Entry.Summary)), request.VisibleOnly), next);
    }

    /// <summary>The opaque cursor: base64url JSON naming the list it belongs to and where to continue.</summary>
    private sealed record Cursor(string Scope, string? Token, string? After)
    {
        /// <summary>A hot list's place: how many ranked items the pages before served.</summary>
        public int? Offset { get; init; }

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

            if (cursor is null || cursor.Scope != scope || (cursor.Token is null && cursor.After is null && cursor.Offset is null))
            {
                throw new InvalidCursorException("The cursor belongs to another list: keep the same filters and status while paging.");
            }

            if ((cursor.Token is not null && !TableContinuation.IsWellFormed(cursor.Token)) || (cursor.After is not null && !IndexPartitions.IsRowKey(cursor.After))
                || cursor.Offset is < 1 or > MaxHotOffset)
            {
                throw new InvalidCursorException("The cursor is not one this API returned.");
            }

            return cursor;
        }
    }
}
