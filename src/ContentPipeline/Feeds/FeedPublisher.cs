using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Articles;
using ContentPipeline.Sitemaps;
using ContentPipeline.Storage;
using ContentPipeline.Stories;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Feeds;

/// <summary>
/// Republishes the feeds into the <c>feeds</c> container: the overall feed, one per category and one per topic, each
/// as RSS 2.0, Atom 1.0 and JSON Feed 1.1, plus <c>index.json</c> listing them. A run costs what it publishes, not what
/// is archived: it first asks the index's catalog when any published list last changed (one read) and stops there when
/// nothing did since the last run; otherwise it reads which lists changed, and of each of those only its newest
/// <see cref="FeedOptions.MaxItems"/> entries. Files are written a few at a time, each only when its content changed.
/// A category or topic whose list is found empty loses its feeds and leaves the catalog, unless an article arrived
/// meanwhile. The run's mark (the catalog time it has seen up to) is kept in <c>index.json</c>'s metadata.
/// </summary>
public sealed partial class FeedPublisher
{
    /// <summary>The index document's path.</summary>
    public const string IndexPath = "index.json";

    private const string MarkKey = "indexmark";

    /// <summary>
    /// Catalog rows written within this margin before a read may commit after it with an earlier Timestamp: the next
    /// mark never passes the read's time less this margin, so such a change is seen by the next run.
    /// </summary>
    private static readonly TimeSpan InFlightMargin = TimeSpan.FromSeconds(1);

    private readonly ArticleIndex _index;
    private readonly FeedBlobs _blobs;
    private readonly BlobContainerClient _container;
    private readonly FeedOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<FeedPublisher> _logger;
    private readonly WebSubNotifier? _hub;
    private readonly SitemapPublisher? _sitemaps;
    private readonly StoryFeeds? _stories;
    private const int MaxIndexConflicts = 5;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _mark;

    /// <summary>
    /// Creates the publisher; with <paramref name="hub"/> (a hub configured), its runs notify the hub of what they
    /// changed; with <paramref name="sitemaps"/> (enabled), they also write the sitemaps; with <paramref name="stories"/>,
    /// the feeds it names list each story once.
    /// </summary>
    public FeedPublisher(
        ArticleIndex index, BlobServiceClient blobs, IOptions<FeedOptions> options, TimeProvider time, ILogger<FeedPublisher> logger, WebSubNotifier? hub = null, SitemapPublisher? sitemaps = null, StoryFeeds? stories = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        _index = index;
        _container = blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
        _options = options.Value;
        _blobs = new FeedBlobs(_container, _options.CacheControl);
        _time = time;
        _logger = logger;
        _hub = hub is { Enabled: true } ? hub : null;
        _sitemaps = sitemaps is { Enabled: true } ? sitemaps : null;
        _stories = stories;
    }

    /// <summary>The public URL of a feed file.</summary>
    public Uri PublicUrl(string path) => new(new Uri(BaseUrl()), path);

    /// <summary>
    /// Runs once. Runs in one process never overlap; runs on several instances may (an admin run beside the timer's, or
    /// a singleton lease lost during a storage outage): every write is conditional, and of two versions of a feed the one
    /// built from the later read stays, so overlapping runs end with the newest feeds and a consistent index.
    /// </summary>
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
        var configuration = ConfigurationStamp();
        var mark = _mark ?? await ReadMarkAsync(configuration, cancellationToken).ConfigureAwait(false);
        if (mark is { } since && await _index.LastChangeAsync(cancellationToken).ConfigureAwait(false) is var changed && (changed is null || changed <= since))
        {
            _mark = since;
            LogSkipped(since);
            var aged = _sitemaps is null ? null : await _sitemaps.RefreshNewsIfDueAsync(cancellationToken).ConfigureAwait(false);
            return new FeedRunResult(true, 0, 0, 0, 0, 0) { Sitemaps = aged };
        }

        var read = mark is null ? null : await _blobs.ReadAsync(IndexPath, cancellationToken).ConfigureAwait(false);
        var previous = read is { } r ? FeedListing.Parse(r.Content) : null;
        var full = previous is null; // first run, new settings, or an index.json that is gone: every feed
        var catalog = await _index.ReadCatalogAsync(full ? null : mark, cancellationToken).ConfigureAwait(false);
        var existing = await _blobs.ListAsync(cancellationToken).ConfigureAwait(false);
        var feeds = catalog.Lists
            .Select(static list => (List: (CatalogEntry?)list, Definition: FeedDefinition.Of(list.Filter)))
            .Where(static f => f.Definition is not null)
            .Select(static f => new ChangedFeed(f.Definition!, f.List))
            .ToList();
        if (full && !feeds.Any(static f => f.Definition.Kind == FeedKind.All))
        {
            feeds.Add(new ChangedFeed(FeedDefinition.All, null)); // nothing published yet: the overall feed, empty
        }

        var (todo, deferred) = LimitNewFeeds(feeds, existing);
        var outcomes = new ConcurrentBag<FeedOutcome>();
        await Parallel.ForEachAsync(todo, new ParallelOptions { MaxDegreeOfParallelism = _options.Parallelism, CancellationToken = cancellationToken }, async (feed, ct) =>
            outcomes.Add(await PublishFeedAsync(feed, existing, ct).ConfigureAwait(false))).ConfigureAwait(false);

        // Every published address is in sitemap.xml: rebuilt when the overall list changed, else only the news one ages.
        // Before index.json moves the mark: a run that fails here is done again by the next.
        var sitemaps = _sitemaps is null ? null
            : full || catalog.Lists.Any(static l => l.Partition == IndexPartitions.Published)
                ? await _sitemaps.PublishAllAsync(existing, PublicUrl, cancellationToken).ConfigureAwait(false)
                : await _sitemaps.RefreshNewsIfDueAsync(cancellationToken).ConfigureAwait(false);

        var emptied = outcomes.Where(static o => o.Entry is null).ToList();
        var nextMark = deferred > 0 ? mark : Max(mark, catalog.ReadAt - InFlightMargin); // with feeds left for later, they are seen again
        var (listing, indexWritten, writtenMark) = await WriteIndexAsync(
            previous is null ? new FeedListing(_options.Title, []) : previous, read?.ETag ?? existing.GetValueOrDefault(IndexPath)?.Properties.ETag,
            existing.GetValueOrDefault(IndexPath), [.. outcomes], existing, nextMark, configuration, cancellationToken).ConfigureAwait(false);

        // Removed feeds go last: readers following the index never meet a feed it lists that is already gone. A full run
        // also removes what no feed claims any more. Each only if no other run rewrote it since this one listed it.
        var published = listing.Feeds.SelectMany(e => Formats(e)).ToHashSet(StringComparer.Ordinal);
        var removed = emptied.SelectMany(static o => Enum.GetValues<FeedFormat>().Select(o.Feed.Definition.PathOf))
            .Concat(full ? existing.Keys.Where(p => p != IndexPath && (_sitemaps is null || !SitemapPublisher.Owns(p))) : [])
            .Where(p => existing.ContainsKey(p) && !published.Contains(p))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var deleted = 0;
        foreach (var path in removed)
        {
            deleted += await _blobs.DeleteAsync(path, existing[path].Properties.ETag!.Value, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        foreach (var list in emptied.Select(static o => o.Feed.List).OfType<CatalogEntry>())
        {
            await _index.ForgetAsync(list, cancellationToken).ConfigureAwait(false); // unless an article arrived meanwhile
        }

        _mark = writtenMark;

        // Last, once every file and index.json are in place: a subscriber's hub fetches what it is told of.
        var changedFeeds = outcomes.SelectMany(static o => o.WrittenPaths).Select(PublicUrl).ToList();
        var (notified, notifyFailed) = _hub is null ? (0, 0) : await _hub.NotifyAsync(changedFeeds, cancellationToken).ConfigureAwait(false);
        var (itemsRead, written, unchanged) = (outcomes.Sum(static o => o.ItemsRead), outcomes.Sum(static o => o.Written), outcomes.Sum(static o => o.Unchanged));
        written += indexWritten ? 1 : 0;
        unchanged += indexWritten ? 0 : 1;
        LogPublished(todo.Count - emptied.Count, itemsRead, written, unchanged, deleted);
        if (outcomes.Count(static o => o.Superseded) is > 0 and var superseded)
        {
            LogSuperseded(superseded);
        }
        if (deferred > 0)
        {
            LogDeferred(deferred, _options.MaxNewFeedsPerRun);
        }

        return new FeedRunResult(false, itemsRead, written, unchanged, deleted, todo.Count - emptied.Count) { HubNotified = notified, HubFailed = notifyFailed, Sitemaps = sitemaps, ChangedFeeds = changedFeeds };
    }

    /// <summary>Reads a changed feed's list (its newest entries only) and writes the feed's files that changed.</summary>
    private async Task<FeedOutcome> PublishFeedAsync(ChangedFeed feed, IReadOnlyDictionary<string, BlobItem> existing, CancellationToken cancellationToken)
    {
        // An entry whose expiry has passed stays in its list until the transitions timer moves it: it is left out now.
        var now = _time.GetUtcNow(); // also the files' stamp: of two runs' versions of a feed, the later read's stays
        var items = (await _index.ReadNewestAsync(feed.Definition.Partition, _options.MaxItems, cancellationToken).ConfigureAwait(false))
            .Where(i => i.StateAt(now) == ArticleState.Published)
            .ToList();
        if (_stories is not null && _stories.ListsStories(feed.Definition.BasePath))
        {
            items = await _stories.OnePerStoryAsync(items, cancellationToken).ConfigureAwait(false);
        }

        if (items.Count == 0 && feed.Definition.Kind != FeedKind.All)
        {
            return new FeedOutcome(feed, null, 0, 0, 0, now, Superseded: false, []);
        }

        var definition = items.Count == 0 ? feed.Definition : feed.Definition.NamedBy(items[0]);
        var document = new FeedDocument(definition, TitleOf(definition), DescriptionOf(definition), PublicUrl(definition.PathOf(FeedFormat.Atom)),
            _options.SiteUrl is null ? null : new Uri(_options.SiteUrl), items) { HubUrl = _hub?.Hub };
        // Rendered first, then written together: the three uploads overlap each other and other feeds' rendering.
        var files = Enum.GetValues<FeedFormat>().Select(format =>
        {
            var path = definition.PathOf(format);
            var content = FeedWriter.Write(document with { SelfUrl = PublicUrl(path) }, format);
            return (Path: path, Content: content, ContentType: FeedDefinition.ContentType(format));
        }).ToList();
        var writes = await Task.WhenAll(files.Select(file => _blobs.WriteIfChangedAsync(file.Path, file.Content, file.ContentType, existing.GetValueOrDefault(file.Path), now, cancellationToken))).ConfigureAwait(false);
        var written = writes.Count(static w => w == FeedWrite.Written);
        var unchanged = writes.Length - written;

        var entry = new FeedListingEntry(
            definition.Kind.ToString().ToLowerInvariant(), definition.Name, definition.Slug, document.Title, items.Count, document.Updated,
            PublicUrl(definition.PathOf(FeedFormat.Rss)).AbsoluteUri, PublicUrl(definition.PathOf(FeedFormat.Atom)).AbsoluteUri, PublicUrl(definition.PathOf(FeedFormat.Json)).AbsoluteUri);
        return new FeedOutcome(feed, entry, items.Count, written, unchanged, now, Superseded: writes.Contains(FeedWrite.Superseded),
            [.. files.Where((_, i) => writes[i] == FeedWrite.Written).Select(static f => f.Path)]);
    }

    /// <summary>
    /// Writes <c>index.json</c>: <paramref name="basis"/> (the listing this run read, as version <paramref name="etag"/>)
    /// with this run's entries put in and its emptied feeds taken out, conditionally. When another run wrote it
    /// meanwhile, the run merges again onto that version, now keeping only what is still its own: an entry whose feed
    /// file still carries this run's stamp, a removal of a feed nobody rewrote. The mark kept is the older of the two.
    /// </summary>
    private async Task<(FeedListing Listing, bool Written, DateTimeOffset? Mark)> WriteIndexAsync(
        FeedListing basis, ETag? etag, BlobItem? listed, IReadOnlyList<FeedOutcome> outcomes, IReadOnlyDictionary<string, BlobItem> existing,
        DateTimeOffset? mark, string configuration, CancellationToken cancellationToken)
    {
        var entries = outcomes.Where(static o => o.Entry is not null && !o.Superseded).ToList();
        var removals = outcomes.Where(static o => o.Entry is null).ToList();
        for (var attempt = 0; ; attempt++)
        {
            var listing = basis.With(entries.Select(static o => o.Entry!), removals.Select(static o => o.Feed.Definition.BasePath));
            var metadata = mark is { } m ? new Dictionary<string, string> { [MarkKey] = FormatMark(m, configuration) } : null;
            if (FeedBlobs.Shows(listed, listing.ToBytes(), metadata))
            {
                return (listing, false, mark);
            }

            if (await _blobs.TryWriteAsync(IndexPath, listing.ToBytes(), "application/json; charset=utf-8", metadata, etag, cancellationToken).ConfigureAwait(false))
            {
                return (listing, true, mark);
            }

            if (attempt == MaxIndexConflicts)
            {
                throw new FeedConflictException($"index.json kept changing under {MaxIndexConflicts} feed runs at once; the next run writes it.");
            }

            // Another run wrote index.json since this one read it: merge onto its version.
            LogIndexConflict();
            var now = await _blobs.ListAsync(cancellationToken).ConfigureAwait(false);
            var theirs = await _blobs.ReadAsync(IndexPath, cancellationToken).ConfigureAwait(false);
            basis = (theirs is { } t ? FeedListing.Parse(t.Content) : null) ?? new FeedListing(_options.Title, []);
            etag = theirs?.ETag;
            listed = now.GetValueOrDefault(IndexPath);
            entries = entries.Where(o => FeedBlobs.BuiltAt(now.GetValueOrDefault(o.Feed.Definition.PathOf(FeedFormat.Json))?.Metadata) <= o.BuiltAt).ToList();
            removals = removals.Where(o => now.GetValueOrDefault(o.Feed.Definition.PathOf(FeedFormat.Json)) is not { } file
                || file.Properties.ETag == existing.GetValueOrDefault(o.Feed.Definition.PathOf(FeedFormat.Json))?.Properties.ETag).ToList();
            mark = Min(mark, await ReadMarkAsync(configuration, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>
    /// Keeps at most <see cref="FeedOptions.MaxNewFeedsPerRun"/> feeds that do not exist yet (the overall feed always
    /// goes); the others wait for the next runs. One upload with many new topics cannot make one run write hundreds of
    /// files.
    /// </summary>
    private (List<ChangedFeed> Todo, int Deferred) LimitNewFeeds(IEnumerable<ChangedFeed> feeds, IReadOnlyDictionary<string, BlobItem> existing)
    {
        var (todo, created, deferred) = (new List<ChangedFeed>(), 0, 0);
        foreach (var feed in feeds.OrderBy(static f => f.Definition.Kind).ThenBy(static f => f.Definition.Slug, StringComparer.Ordinal))
        {
            var isNew = feed.Definition.Kind != FeedKind.All && !existing.ContainsKey(feed.Definition.PathOf(FeedFormat.Json));
            if (isNew && created == _options.MaxNewFeedsPerRun)
            {
                deferred++;
                continue;
            }

            created += isNew ? 1 : 0;
            todo.Add(feed);
        }

        return (todo, deferred);
    }

    private string TitleOf(FeedDefinition definition) => definition.Kind == FeedKind.All ? _options.Title : $"{_options.Title}: {definition.Name}";

    private string DescriptionOf(FeedDefinition definition) => definition.Kind switch
    {
        FeedKind.All => _options.Description,
        FeedKind.Category => $"The newest published articles in the category {definition.Name}.",
        _ => $"The newest published articles about {definition.Name}.",
    };

    private IEnumerable<string> Formats(FeedListingEntry entry) =>
        Enum.GetValues<FeedFormat>().Select(new FeedDefinition(Enum.Parse<FeedKind>(entry.Kind, ignoreCase: true), entry.Name, entry.Slug).PathOf);

    /// <summary>The previous run's mark, from index.json's metadata; null when there is none or the settings changed since.</summary>
    private async Task<DateTimeOffset?> ReadMarkAsync(string configuration, CancellationToken cancellationToken) =>
        await _blobs.MetadataAsync(IndexPath, cancellationToken).ConfigureAwait(false) is { } metadata
        && metadata.TryGetValue(MarkKey, out var saved) && saved.Split('|') is [var savedMark, var savedConfiguration] && savedConfiguration == configuration
        && DateTimeOffset.TryParse(savedMark, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var mark)
            ? mark
            : null;

    private static string FormatMark(DateTimeOffset mark, string configuration) =>
        $"{mark.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)}|{configuration}";

    private string BaseUrl()
    {
        var url = _options.PublicBaseUrl ?? _container.Uri.AbsoluteUri;
        return url.EndsWith('/') ? url : url + "/";
    }

    /// <summary>
    /// What else the feeds depend on: a change of settings regenerates them even if no article changed. Feeds by story
    /// count only when some feed lists stories, so the stamp of every other set-up stays as it was.
    /// </summary>
    private string ConfigurationStamp() =>
        Convert.ToHexStringLower(SHA256.HashData(_stories?.Configuration is { Count: > 0 } stories
            ? JsonSerializer.SerializeToUtf8Bytes(new { _options.MaxItems, _options.Title, _options.Description, _options.SiteUrl, _options.CacheControl, Base = BaseUrl(), Hub = _hub?.Hub, Sitemaps = _sitemaps?.Configuration, Stories = stories, Version = 2 })
            : JsonSerializer.SerializeToUtf8Bytes(new { _options.MaxItems, _options.Title, _options.Description, _options.SiteUrl, _options.CacheControl, Base = BaseUrl(), Hub = _hub?.Hub, Sitemaps = _sitemaps?.Configuration, Version = 2 })))[..16];

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null || b is null ? null : a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Deferred} new feeds wait for the next runs: a run creates at most {MaxNewFeedsPerRun}")]
    private partial void LogDeferred(int deferred, int maxNewFeedsPerRun);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Superseded} feeds were written meanwhile by another feed run from a later read; their versions stay")]
    private partial void LogSuperseded(int superseded);

    [LoggerMessage(Level = LogLevel.Information, Message = "index.json was written meanwhile by another feed run; merging onto its version")]
    private partial void LogIndexConflict();

    [LoggerMessage(Level = LogLevel.Information, Message = "Feeds unchanged: no published list changed since {Mark}")]
    private partial void LogSkipped(DateTimeOffset mark);

    [LoggerMessage(Level = LogLevel.Information, Message = "Republished {FeedCount} changed feeds from {ArticleCount} index entries: {Written} blobs written, {Unchanged} unchanged, {Deleted} deleted")]
    private partial void LogPublished(int feedCount, int articleCount, int written, int unchanged, int deleted);

    /// <summary>A feed whose list changed, with the list's catalog row (none for the overall feed before anything was published).</summary>
    private sealed record ChangedFeed(FeedDefinition Definition, CatalogEntry? List);

    /// <summary>
    /// What publishing one feed did; no entry when its list was found empty. <c>BuiltAt</c>: when its list was read, the
    /// stamp on its files. <c>Superseded</c>: another run wrote one of its files from a later read, so its entry is that
    /// run's to list. <c>WrittenPaths</c>: its files this run wrote (what the hub is told of).
    /// </summary>
    private sealed record FeedOutcome(ChangedFeed Feed, FeedListingEntry? Entry, int ItemsRead, int Written, int Unchanged, DateTimeOffset BuiltAt, bool Superseded, IReadOnlyList<string> WrittenPaths);
}
