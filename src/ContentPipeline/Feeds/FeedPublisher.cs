using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Articles;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Feeds;

/// <summary>
/// Republishes the feeds into the <c>feeds</c> container: the overall feed, one per category and one per topic, each
/// as RSS 2.0, Atom 1.0 and JSON Feed 1.1, plus <c>index.json</c> listing them. It reads only the <c>published</c>
/// index partition (every published article's summary, newest first), never the articles table. Every blob carries a
/// SHA-256 of its content in its metadata and is rewritten only when that changes. Before reading at all, it asks the
/// index whether anything was written since the last run (the newest index Timestamp it saw); if not, it stops there.
/// Feeds of a category or topic with no published article left are deleted and leave the index.
/// </summary>
public sealed partial class FeedPublisher
{
    /// <summary>The index document's path.</summary>
    public const string IndexPath = "index.json";

    private const string HashKey = "contenthash";
    private const string MarkKey = "indexmark";
    private static readonly TimeSpan InFlightMargin = TimeSpan.FromSeconds(1);

    private readonly TableClient _index;
    private readonly BlobContainerClient _feeds;
    private readonly FeedOptions _options;
    private readonly ILogger<FeedPublisher> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _mark;

    /// <summary>Creates the publisher.</summary>
    public FeedPublisher(TableServiceClient tables, BlobServiceClient blobs, IOptions<FeedOptions> options, ILogger<FeedPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _index = tables.GetTableClient(StorageNames.IndexTable);
        _feeds = blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The public URL of a feed file.</summary>
    public Uri PublicUrl(string path) => new(new Uri(BaseUrl()), path);

    /// <summary>Runs once. Runs in one process never overlap (the timer also never overlaps across instances).</summary>
    public async Task<FeedRunResult> PublishAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<FeedRunResult> RunAsync(CancellationToken cancellationToken)
    {
        var existing = await ListFeedBlobsAsync(cancellationToken).ConfigureAwait(false);
        var configuration = ConfigurationStamp();
        var mark = _mark;
        if (existing.TryGetValue(IndexPath, out var index) && index.Metadata.TryGetValue(MarkKey, out var saved)
            && saved.Split('|') is [var savedMark, var savedConfiguration] && savedConfiguration == configuration
            && DateTimeOffset.TryParse(savedMark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var persisted)
            && (mark is null || persisted > mark))
        {
            mark = persisted;
        }

        // The service's clock when this run starts. Entries written during the run may sort before entries it has already
        // seen, so the next mark never passes this instant (less a margin for writes still in flight).
        var (publishedChanged, runStart) = await ProbeAsync(IndexPartitions.Published, mark, cancellationToken).ConfigureAwait(false);
        if (mark is { } since && existing.ContainsKey(IndexPath) && !publishedChanged
            && !(await ProbeAsync(IndexPartitions.Drafts, since, cancellationToken).ConfigureAwait(false)).Changed)
        {
            LogSkipped(since);
            return new FeedRunResult(true, 0, 0, 0, 0, 0);
        }

        var (articles, newest) = await ReadPublishedAsync(cancellationToken).ConfigureAwait(false);
        newest = Max(newest, await NewestDraftChangeAsync(mark, cancellationToken).ConfigureAwait(false));
        var (documents, deferred) = LimitNewFeeds(BuildFeeds(articles), existing);
        var wanted = new Dictionary<string, (byte[] Content, string ContentType)>(StringComparer.Ordinal);
        foreach (var document in documents)
        {
            foreach (var format in Enum.GetValues<FeedFormat>())
            {
                var path = document.Definition.PathOf(format);
                wanted[path] = (FeedWriter.Write(document with { SelfUrl = PublicUrl(path) }, format), FeedDefinition.ContentType(format));
            }
        }

        var (written, unchanged) = (0, 0);
        foreach (var (path, (content, contentType)) in wanted)
        {
            if (await WriteIfChangedAsync(path, content, contentType, existing, metadata: null, cancellationToken).ConfigureAwait(false))
            {
                written++;
            }
            else
            {
                unchanged++;
            }
        }

        // With feeds left for later runs the mark stays, so the next run sees the change again and goes on with them.
        var ceiling = runStart - InFlightMargin;
        var nextMark = deferred > 0 ? mark : Max(mark, newest is { } seen && seen < ceiling ? seen : ceiling);
        var indexStamp = nextMark is { } m ? $"{m.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}|{configuration}" : null;
        var indexChanged = await WriteIfChangedAsync(IndexPath, IndexDocument(documents), "application/json; charset=utf-8", existing,
            indexStamp is null ? null : new Dictionary<string, string> { [MarkKey] = indexStamp }, cancellationToken).ConfigureAwait(false);
        written += indexChanged ? 1 : 0;
        unchanged += indexChanged ? 0 : 1;

        // Removed feeds go last: readers following the index never meet a feed it lists that is already gone.
        var deleted = 0;
        foreach (var stale in existing.Keys.Where(p => p != IndexPath && !wanted.ContainsKey(p)))
        {
            await _feeds.DeleteBlobIfExistsAsync(stale, cancellationToken: cancellationToken).ConfigureAwait(false);
            deleted++;
        }

        _mark = nextMark;
        LogPublished(documents.Count, articles.Count, written, unchanged, deleted);
        if (deferred > 0)
        {
            LogDeferred(deferred, _options.MaxNewFeedsPerRun);
        }

        return new FeedRunResult(false, articles.Count, written, unchanged, deleted, documents.Count);
    }

    /// <summary>
    /// Keeps at most <see cref="FeedOptions.MaxNewFeedsPerRun"/> feeds that do not exist yet (the overall feed always
    /// goes); the others wait for the next runs. One upload with many new topics cannot make one run write hundreds of
    /// files.
    /// </summary>
    private (List<FeedDocument> Documents, int Deferred) LimitNewFeeds(List<FeedDocument> documents, IReadOnlyDictionary<string, BlobItem> existing)
    {
        var (kept, created, deferred) = (new List<FeedDocument>(documents.Count), 0, 0);
        foreach (var document in documents)
        {
            var isNew = document.Definition.Kind != FeedKind.All && !existing.ContainsKey(document.Definition.PathOf(FeedFormat.Json));
            if (isNew && created == _options.MaxNewFeedsPerRun)
            {
                deferred++;
                continue;
            }

            created += isNew ? 1 : 0;
            kept.Add(document);
        }

        return (kept, deferred);
    }

    /// <summary>The feeds to publish: the overall one, then one per category and topic present among published articles.</summary>
    private List<FeedDocument> BuildFeeds(IReadOnlyList<ArticleSummary> articles)
    {
        var definitions = new List<FeedDefinition> { FeedDefinition.All };
        definitions.AddRange(Group(articles.Select(a => a.Category)).Select(g => new FeedDefinition(FeedKind.Category, g.Name, g.Slug)));
        definitions.AddRange(Group(articles.SelectMany(a => a.Topics)).Select(g => new FeedDefinition(FeedKind.Topic, g.Name, g.Slug)));
        var site = _options.SiteUrl is null ? null : new Uri(_options.SiteUrl);
        return definitions.Select(d => new FeedDocument(
            d,
            d.Kind switch { FeedKind.All => _options.Title, FeedKind.Category => $"{_options.Title}: {d.Name}", _ => $"{_options.Title}: {d.Name}" },
            d.Kind switch { FeedKind.All => _options.Description, FeedKind.Category => $"The newest published articles in the category {d.Name}.", _ => $"The newest published articles about {d.Name}." },
            PublicUrl(d.PathOf(FeedFormat.Atom)),
            site,
            articles.Where(d.Includes).Take(_options.MaxItems).ToList())).ToList();
    }

    /// <summary>Distinct slugs, named as written by the newest article (articles come newest first), in slug order.</summary>
    private static IEnumerable<(string Name, string Slug)> Group(IEnumerable<string> names) =>
        names.Select(n => (Name: n, Slug: Slug.From(n))).Where(static x => x.Slug.Length > 0)
            .DistinctBy(static x => x.Slug).OrderBy(static x => x.Slug, StringComparer.Ordinal);

    private byte[] IndexDocument(IReadOnlyList<FeedDocument> documents) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new
            {
                title = _options.Title,
                feeds = documents.Select(d => new
                {
                    kind = d.Definition.Kind.ToString().ToLowerInvariant(),
                    name = d.Definition.Name,
                    slug = d.Definition.Slug,
                    title = d.Title,
                    items = d.Items.Count,
                    updated = d.Updated,
                    rss = PublicUrl(d.Definition.PathOf(FeedFormat.Rss)).AbsoluteUri,
                    atom = PublicUrl(d.Definition.PathOf(FeedFormat.Atom)).AbsoluteUri,
                    json = PublicUrl(d.Definition.PathOf(FeedFormat.Json)).AbsoluteUri,
                }),
            },
            new JsonSerializerOptions(ArticleJson.WebOptions) { WriteIndented = true });

    private async Task<bool> WriteIfChangedAsync(string path, byte[] content, string contentType, IReadOnlyDictionary<string, BlobItem> existing, Dictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (existing.TryGetValue(path, out var current) && current.Metadata.TryGetValue(HashKey, out var currentHash) && currentHash == hash)
        {
            return false;
        }

        metadata ??= [];
        metadata[HashKey] = hash;
        await _feeds.GetBlobClient(path).UploadAsync(BinaryData.FromBytes(content), new BlobUploadOptions
        {
            HttpHeaders = new BlobHttpHeaders { ContentType = contentType, CacheControl = _options.CacheControl },
            Metadata = metadata,
        }, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<Dictionary<string, BlobItem>> ListFeedBlobsAsync(CancellationToken cancellationToken)
    {
        var blobs = new Dictionary<string, BlobItem>(StringComparer.Ordinal);
        try
        {
            await foreach (var blob in _feeds.GetBlobsAsync(BlobTraits.Metadata, BlobStates.None, prefix: null, cancellationToken).ConfigureAwait(false))
            {
                blobs[blob.Name] = blob;
            }
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            await _feeds.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        return blobs;
    }

    private async Task<(List<ArticleSummary> Articles, DateTimeOffset? Newest)> ReadPublishedAsync(CancellationToken cancellationToken)
    {
        var articles = new List<ArticleSummary>();
        DateTimeOffset? newest = null;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Published}");
        await foreach (var entity in _index.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            articles.Add(ArticleEntityCodec.DecodeSummary(entity));
            newest = Max(newest, entity.Timestamp);
        }

        return (articles, newest);
    }

    /// <summary>
    /// Whether an entry of <paramref name="partition"/> was written after <paramref name="since"/> (any entry when null),
    /// and the service's clock from the answer. Every index change writes the published or the drafts partition
    /// (a publish, an unpublish, a new or changed article), so probing those two tells whether anything changed.
    /// </summary>
    private async Task<(bool Changed, DateTimeOffset ServerTime)> ProbeAsync(string partition, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        var filter = since is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition} and Timestamp gt {s}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        DateTimeOffset? serverTime = null;
        await foreach (var page in _index.QueryAsync<TableEntity>(filter, 1, ["PartitionKey"], cancellationToken).AsPages(null, 1).ConfigureAwait(false))
        {
            serverTime ??= page.GetRawResponse().Headers.Date ?? throw new InvalidOperationException("The table service sent no Date header.");
            if (page.Values.Count > 0)
            {
                return (true, serverTime.Value);
            }

            if (page.ContinuationToken is null)
            {
                break;
            }
        }

        return (false, serverTime ?? throw new InvalidOperationException("The table service returned no page."));
    }

    private async Task<DateTimeOffset?> NewestDraftChangeAsync(DateTimeOffset? since, CancellationToken cancellationToken)
    {
        DateTimeOffset? newest = null;
        var filter = since is { } s
            ? TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Drafts} and Timestamp gt {s}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Drafts}");
        await foreach (var entity in _index.QueryAsync<TableEntity>(filter, select: ["Timestamp"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            newest = Max(newest, entity.Timestamp);
        }

        return newest;
    }

    private string BaseUrl()
    {
        var url = _options.PublicBaseUrl ?? _feeds.Uri.AbsoluteUri;
        return url.EndsWith('/') ? url : url + "/";
    }

    /// <summary>What else the feeds depend on: a change of settings regenerates them even if no article changed.</summary>
    private string ConfigurationStamp() =>
        Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(new { _options.MaxItems, _options.Title, _options.Description, _options.SiteUrl, _options.CacheControl, Base = BaseUrl(), Version = 1 })))[..16];

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Deferred} new feeds wait for the next runs: a run creates at most {MaxNewFeedsPerRun}")]
    private partial void LogDeferred(int deferred, int maxNewFeedsPerRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feeds unchanged: no index entry written since {Mark}")]
    private partial void LogSkipped(DateTimeOffset mark);

    [LoggerMessage(Level = LogLevel.Information, Message = "Published {FeedCount} feeds from {ArticleCount} articles: {Written} blobs written, {Unchanged} unchanged, {Deleted} deleted")]
    private partial void LogPublished(int feedCount, int articleCount, int written, int unchanged, int deleted);
}
