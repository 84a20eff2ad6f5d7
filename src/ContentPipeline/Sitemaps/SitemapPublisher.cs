using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Articles;
using ContentPipeline.Feeds;
using ContentPipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ContentPipeline.Sitemaps;

/// <summary>
/// Writes the sitemaps into the feeds container, as part of the feed run: <c>sitemap.xml</c>, every published article's
/// address with its <c>lastmod</c> (past <see cref="SitemapOptions.MaxUrlsPerFile"/> URLs or 50 MB, a sitemap index of
/// numbered files under <c>sitemaps/</c>, oldest articles first so that new ones change only the last file), and
/// <c>news-sitemap.xml</c> per Google's rules (articles of the last two days, newest first, at most <see cref="SitemapOptions.NewsMaxItems"/>).
/// <para>
/// Cost: <c>sitemap.xml</c> needs every published address, so it is rebuilt only by a run that found the
/// <c>published</c> list changed, from one read of that list's link columns (a request per 1,000 articles). Between such
/// runs the news sitemap still ages: it is rebuilt when its oldest article leaves the two days (one read of the list's
/// head). Every file is written only when its content changed, conditionally, like the feeds.
/// </para>
/// </summary>
public sealed partial class SitemapPublisher
{
    /// <summary>The sitemap (or sitemap index) of every published article.</summary>
    public const string SitemapPath = "sitemap.xml";

    /// <summary>The news sitemap.</summary>
    public const string NewsSitemapPath = "news-sitemap.xml";

    /// <summary>The folder of the numbered files a sitemap index points to.</summary>
    public const string PartsFolder = "sitemaps/";

    /// <summary>Google News reads articles of the last two days from a news sitemap.</summary>
    public static readonly TimeSpan NewsWindow = TimeSpan.FromDays(2);

    private const string ContentType = "application/xml";
    private const string PartPrefix = PartsFolder + "sitemap-";
    private const string PartSuffix = ".xml";

    /// <summary>Room for a file's declaration and root element.</summary>
    private const int FileMarkupBytes = 1024;

    private readonly ArticleIndex _index;
    private readonly FeedBlobs _blobs;
    private readonly SitemapOptions _options;
    private readonly string _publicationName;
    private readonly TimeProvider _time;
    private readonly ILogger<SitemapPublisher> _logger;

    /// <summary>When the news sitemap's oldest article leaves the window; null while unknown (this process has not built it).</summary>
    private DateTimeOffset? _newsDueAt;

    /// <summary>Creates the publisher over the feeds container.</summary>
    public SitemapPublisher(ArticleIndex index, BlobServiceClient blobs, IOptions<SitemapOptions> options, IOptions<FeedOptions> feeds, TimeProvider time, ILogger<SitemapPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(feeds);
        _index = index;
        _options = options.Value;
        _blobs = new FeedBlobs(blobs.GetBlobContainerClient(StorageNames.FeedsContainer), feeds.Value.CacheControl);
        _publicationName = _options.PublicationName is { Length: > 0 } name ? name : feeds.Value.Title;
        _time = time;
        _logger = logger;
    }

    /// <summary>Whether the sitemaps are written at all (<see cref="SitemapOptions.Enabled"/>).</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>What the sitemaps depend on besides the articles: a change regenerates them.</summary>
    public object Configuration => new { _options.ArticleUrlTemplate, _options.MaxUrlsPerFile, _options.NewsMaxItems, _publicationName, _options.PublicationLanguage };

    /// <summary>Whether a file of the feeds container is one of the sitemaps' (the feed run leaves those alone).</summary>
    public static bool Owns(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path is SitemapPath or NewsSitemapPath || path.StartsWith(PartsFolder, StringComparison.Ordinal);
    }

    /// <summary>
    /// Rebuilds both sitemaps from the <c>published</c> list (a run that found it changed). <paramref name="existing"/>:
    /// the container's files as the run listed them; <paramref name="publicUrl"/>: a file's public address.
    /// </summary>
    internal async Task<SitemapRunResult> PublishAllAsync(IReadOnlyDictionary<string, BlobItem> existing, Func<string, Uri> publicUrl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow(); // also the files' stamp: of two runs' versions, the later read's stays
        var links = new List<ArticleLink>();
        await foreach (var link in _index.ReadLinksAsync(IndexPartitions.Published, cancellationToken).ConfigureAwait(false))
        {
            if (link.StateAt(now) == ArticleState.Published)
            {
                links.Add(link);
            }
        }

        // Oldest first: a new article changes the last file only.
        var urls = new List<SitemapUrl>(links.Count);
        var unlisted = 0;
        for (var i = links.Count - 1; i >= 0; i--)
        {
            if (Listable(links[i]) is { } url)
            {
                urls.Add(new SitemapUrl(url, links[i].UpdatedAt));
            }
            else
            {
                unlisted++;
            }
        }

        if (unlisted > 0)
        {
            LogUnlisted(unlisted);
        }

        var (written, deleted) = await WriteSitemapAsync(urls, existing, publicUrl, now, cancellationToken).ConfigureAwait(false);
        var news = NewsItems(links, now);
        var (newsWritten, newsDeleted) = await WriteNewsAsync(news, existing.GetValueOrDefault(NewsSitemapPath), now, cancellationToken).ConfigureAwait(false);
        return new SitemapRunResult(urls.Count, news.Count, written + newsWritten, deleted + newsDeleted, unlisted);
    }

    /// <summary>
    /// Rebuilds the news sitemap when its oldest article has left the two days (or this process has not built it yet);
    /// a run that found no published list changed calls this. One read of the list's head when due, nothing otherwise.
    /// </summary>
    internal async Task<SitemapRunResult> RefreshNewsIfDueAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (_newsDueAt is { } due && now < due)
        {
            return SitemapRunResult.None;
        }

        var head = new List<ArticleLink>();
        await foreach (var link in _index.ReadLinksAsync(IndexPartitions.Published, cancellationToken).ConfigureAwait(false))
        {
            if (link.PublishedDateTime < now - NewsWindow || head.Count == _options.NewsMaxItems * 2)
            {
                break; // newest first: the rest is older (twice the cap leaves room for expired entries and unlisted URLs)
            }

            head.Add(link);
        }

        var news = NewsItems(head, now);
        var existing = await _blobs.ListAsync(NewsSitemapPath, cancellationToken).ConfigureAwait(false);
        var (written, deleted) = await WriteNewsAsync(news, existing.GetValueOrDefault(NewsSitemapPath), now, cancellationToken).ConfigureAwait(false);
        return new SitemapRunResult(null, news.Count, written, deleted, 0);
    }

    /// <summary>The news sitemap's articles among <paramref name="newestFirst"/>: shown now, of the last two days, at most <see cref="SitemapOptions.NewsMaxItems"/>.</summary>
    private List<NewsSitemapItem> NewsItems(IReadOnlyList<ArticleLink> newestFirst, DateTimeOffset now)
    {
        var items = new List<NewsSitemapItem>();
        foreach (var link in newestFirst)
        {
            if (link.PublishedDateTime < now - NewsWindow || items.Count == _options.NewsMaxItems)
            {
                break;
            }

            if (link.StateAt(now) == ArticleState.Published && Listable(link) is { } url)
            {
                items.Add(new NewsSitemapItem(url, link.Title, link.PublishedDateTime));
            }
        }

        // Rebuilt when its oldest article leaves the window; with none, only a change of the list rebuilds it.
        _newsDueAt = items.Count == 0 ? DateTimeOffset.MaxValue : items.Min(static i => i.PublicationDate) + NewsWindow;
        return items;
    }

    private Uri? Listable(ArticleLink link) =>
        _options.ArticleUrl(link.Id, link.WebUrl) is { } url && SitemapWriter.IsListable(url) ? url : null;

    /// <summary>
    /// Writes <c>sitemap.xml</c>: a URL set when the URLs fit one file, else the numbered files first and then the index
    /// naming them; numbered files no longer named go last, and <c>sitemap.xml</c> itself when nothing is published.
    /// </summary>
    private async Task<(int Written, int Deleted)> WriteSitemapAsync(
        IReadOnlyList<SitemapUrl> urls, IReadOnlyDictionary<string, BlobItem> existing, Func<string, Uri> publicUrl, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parts = Split(urls);
        var (written, deleted) = (0, 0);
        var kept = new HashSet<string>(StringComparer.Ordinal);
        byte[]? sitemap = null;
        if (parts.Count == 1)
        {
            sitemap = SitemapWriter.WriteUrlSet(parts[0]);
        }
        else if (parts.Count > 1)
        {
            var entries = new List<SitemapUrl>(parts.Count);
            for (var i = 0; i < parts.Count; i++)
            {
                var path = PartPath(i + 1);
                kept.Add(path);
                written += await WriteAsync(path, SitemapWriter.WriteUrlSet(parts[i]), existing, now, cancellationToken).ConfigureAwait(false);
                entries.Add(new SitemapUrl(publicUrl(path), parts[i].Max(static u => u.LastModified)));
            }

            sitemap = SitemapWriter.WriteIndex(entries);
        }

        if (sitemap is not null)
        {
            kept.Add(SitemapPath);
            written += await WriteAsync(SitemapPath, sitemap, existing, now, cancellationToken).ConfigureAwait(false);
        }

        foreach (var stale in existing.Where(e => (e.Key == SitemapPath || e.Key.StartsWith(PartsFolder, StringComparison.Ordinal)) && !kept.Contains(e.Key)))
        {
            deleted += await _blobs.DeleteAsync(stale.Key, stale.Value.Properties.ETag!.Value, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return (written, deleted);
    }

    private async Task<(int Written, int Deleted)> WriteNewsAsync(IReadOnlyList<NewsSitemapItem> items, BlobItem? existing, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (items.Count == 0) // the protocol wants at least one URL: no news, no file
        {
            return (0, existing is null ? 0 : await _blobs.DeleteAsync(NewsSitemapPath, existing.Properties.ETag!.Value, cancellationToken).ConfigureAwait(false) ? 1 : 0);
        }

        var content = SitemapWriter.WriteNews(items, _publicationName, _options.PublicationLanguage);
        var write = await _blobs.WriteIfChangedAsync(NewsSitemapPath, content, ContentType, existing, now, cancellationToken).ConfigureAwait(false);
        return (write == FeedWrite.Written ? 1 : 0, 0);
    }

    private async Task<int> WriteAsync(string path, byte[] content, IReadOnlyDictionary<string, BlobItem> existing, DateTimeOffset now, CancellationToken cancellationToken) =>
        await _blobs.WriteIfChangedAsync(path, content, ContentType, existing.GetValueOrDefault(path), now, cancellationToken).ConfigureAwait(false) == FeedWrite.Written ? 1 : 0;

    /// <summary>The URLs in files of at most <see cref="SitemapOptions.MaxUrlsPerFile"/> URLs and 50 MB each.</summary>
    private List<List<SitemapUrl>> Split(IReadOnlyList<SitemapUrl> urls)
    {
        var parts = new List<List<SitemapUrl>>();
        var (current, bytes) = (new List<SitemapUrl>(), 0L);
        foreach (var url in urls)
        {
            var size = SitemapWriter.EntryBytes(url.Location);
            if (current.Count == _options.MaxUrlsPerFile || (current.Count > 0 && bytes + size > SitemapWriter.MaxFileBytes - FileMarkupBytes))
            {
                parts.Add(current);
                (current, bytes) = (new List<SitemapUrl>(), 0L);
            }

            current.Add(url);
            bytes += size;
        }

        if (current.Count > 0)
        {
            parts.Add(current);
        }

        return parts;
    }

    private static string PartPath(int number) => string.Create(CultureInfo.InvariantCulture, $"{PartPrefix}{number}{PartSuffix}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published articles are left out of the sitemaps: their address is not an http(s) URL of 12 to 2,048 characters")]
    private partial void LogUnlisted(int count);
}
