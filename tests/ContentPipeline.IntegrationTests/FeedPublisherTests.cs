using System.ServiceModel.Syndication;
using System.Text.Json;
using System.Xml;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Sitemaps;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>The feed run against Azurite: what it writes, what it leaves alone, and how it follows publish state.</summary>
public sealed class FeedPublisherTests(FeedPublisherTests.Fixture fixture) : IClassFixture<FeedPublisherTests.Fixture>
{
    private FeedPublisher Publisher => fixture.Services.GetRequiredService<FeedPublisher>();

    private BlobContainerClient Feeds => fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);

    [Fact]
    public async Task FullRun_PublishesEveryFeedInThreeFormats_WithTheRightHeaders_AndNoDrafts()
    {
        var category = Unique("cat");
        var topic = Unique("topic");
        var published = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Topics = [topic], Title = "Visible <one> & ]]>" });
        var draft = await fixture.IngestAsync(new ArticleText { IsPublished = false, Category = category, Topics = [topic], Title = "Hidden draft" });

        var result = await Publisher.PublishAsync(default);

        Assert.False(result.Skipped);
        var index = await ReadIndexAsync();
        var feed = index.GetProperty("feeds").EnumerateArray().Single(f => SlugOf(f) == category);
        Assert.Equal("category", feed.GetProperty("kind").GetString());
        Assert.Equal(1, feed.GetProperty("items").GetInt32());
        Assert.Contains(index.GetProperty("feeds").EnumerateArray(), f => f.GetProperty("kind").GetString() == "all");
        Assert.Contains(index.GetProperty("feeds").EnumerateArray(), f => f.GetProperty("kind").GetString() == "topic" && SlugOf(f) == topic);

        foreach (var (path, contentType) in new[] { ($"category/{category}.rss.xml", "application/rss+xml"), ($"category/{category}.atom.xml", "application/atom+xml"), ($"category/{category}.json", "application/feed+json") })
        {
            var properties = (await Feeds.GetBlobClient(path).GetPropertiesAsync()).Value;
            Assert.StartsWith(contentType, properties.ContentType, StringComparison.Ordinal);
            Assert.Equal("public, max-age=300", properties.CacheControl);
            Assert.Equal(64, properties.Metadata["contenthash"].Length);
        }

        var rss = await LoadAsync($"category/{category}.rss.xml", new Rss20FeedFormatter());
        var item = Assert.Single(rss.Items);
        Assert.Equal("Visible &lt;one&gt; &amp; ]]&gt;", item.Title.Text); // RSS readers render titles as HTML: it stays text
        Assert.Equal(FeedWriter.ItemId(published), item.Id);
        Assert.Contains(rss.Links, l => l.RelationshipType == "self" && l.Uri.AbsoluteUri.EndsWith($"/feeds/category/{category}.rss.xml", StringComparison.Ordinal));
        var atom = await LoadAsync($"topic/{topic}.atom.xml", new Atom10FeedFormatter());
        Assert.Equal([FeedWriter.ItemId(published)], atom.Items.Select(i => i.Id));
        var all = await ReadTextAsync("all.json");
        Assert.DoesNotContain(draft, all, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", all, StringComparison.Ordinal); // the secured value of ArticleText
    }

    [Fact]
    public async Task EachFormat_CarriesTheBodyAsSanitisedHtml()
    {
        var category = Unique("cat");
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Body = "## Inside\n\nA [link](https://example.org/) and <script>alert(1)</script>.\n" });
        const string expected = "<h2>Inside</h2>\n<p>A <a href=\"https://example.org/\" rel=\"nofollow noopener noreferrer\">link</a> and &lt;script&gt;alert(1)&lt;/script&gt;.</p>";

        await Publisher.PublishAsync(default);

        var rss = System.Xml.Linq.XDocument.Parse(await ReadTextAsync($"category/{category}.rss.xml"));
        var encoded = rss.Descendants(System.Xml.Linq.XName.Get("encoded", "http://purl.org/rss/1.0/modules/content/")).Single();
        Assert.Equal(expected, encoded.Value);
        var atom = await LoadAsync($"category/{category}.atom.xml", new Atom10FeedFormatter());
        var content = Assert.IsType<TextSyndicationContent>(Assert.Single(atom.Items).Content);
        Assert.Equal("html", content.Type);
        Assert.Equal(expected, content.Text);
        using var json = JsonDocument.Parse(await ReadTextAsync($"category/{category}.json"));
        var item = json.RootElement.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(FeedWriter.ItemId(id), item.GetProperty("id").GetString());
        Assert.Equal(expected, item.GetProperty("content_html").GetString());
    }

    [Fact]
    public async Task RunWithNothingNew_WritesNothing()
    {
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = Unique("cat") });
        // Index writes within the 1 s margin of a run's start (the service's Date has 1 s resolution) are looked at
        // again by the next run: start this run past that margin.
        await StorageClock.WaitPastAsync(Feeds, (await StorageClock.NowAsync(Feeds)).AddSeconds(1));
        await Publisher.PublishAsync(default);
        var before = await EtagsAsync();

        var second = await Publisher.PublishAsync(default);
        var fresh = ActivatorUtilities.CreateInstance<FeedPublisher>(fixture.Services); // a new instance (a restart) knows from the index blob
        var third = await fresh.PublishAsync(default);

        Assert.True(second.Skipped);
        Assert.Equal(0, second.Written);
        Assert.True(third.Skipped);
        Assert.Equal(before, await EtagsAsync());
    }

    [Fact]
    public async Task UnpublishDuringARun_IsPickedUpByTheNextRun()
    {
        var category = Unique("cat");
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category });
        await StorageClock.WaitPastAsync(Feeds, await StorageClock.NowAsync(Feeds));
        await Publisher.PublishAsync(default);

        // The unpublish lands right after a run (as if during it): the next run must not treat it as already seen.
        await fixture.Services.GetRequiredService<ArticleStore>().SetPublishedAsync(id, false, null, default);
        var next = await Publisher.PublishAsync(default);

        Assert.False(next.Skipped);
        Assert.False((await Feeds.GetBlobClient($"category/{category}.rss.xml").ExistsAsync()).Value);
    }

    [Fact]
    public async Task ADraftOnlyChange_ChangesNoPublishedList_SoTheRunStopsAtItsFirstRead()
    {
        await Publisher.SettleAsync(Feeds);
        var before = await EtagsAsync();
        await fixture.IngestAsync(new ArticleText { IsPublished = false, Category = Unique("cat") });

        var result = await Publisher.PublishAsync(default);

        Assert.True(result.Skipped);
        Assert.Equal(before, await EtagsAsync());
    }

    [Fact]
    public async Task ARunAfterOneNewArticle_ReadsOnlyTheListsItChanged_AndWritesOnlyTheirFeeds()
    {
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = Unique("other"), Topics = [Unique("other")] }); // feeds that must stay as they are
        await Publisher.SettleAsync(Feeds);
        var before = await EtagsAsync();
        var (category, topic) = (Unique("cat"), Unique("topic"));

        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Topics = [topic], Published = DateTimeOffset.UtcNow }); // the newest: in the overall feed too
        var result = await Publisher.PublishAsync(default);

        // The overall feed, the category and the topic: three lists, at most MaxItems (3) entries read from each; and the
        // sitemaps, which list every published article (the news one those of the last two days: this one is).
        Assert.Equal(3, result.Feeds);
        Assert.True(result.ArticlesRead <= 3 * 3, $"{result.ArticlesRead} entries read");
        var after = await EtagsAsync();
        var changed = after.Where(b => !before.TryGetValue(b.Key, out var etag) || etag != b.Value).Select(b => b.Key).Order(StringComparer.Ordinal);
        Assert.Equal(
            new[] { "all.atom.xml", "all.json", "all.rss.xml", $"category/{category}.atom.xml", $"category/{category}.json", $"category/{category}.rss.xml", FeedPublisher.IndexPath, SitemapPublisher.NewsSitemapPath, SitemapPublisher.SitemapPath, $"topic/{topic}.atom.xml", $"topic/{topic}.json", $"topic/{topic}.rss.xml" }.Order(StringComparer.Ordinal),
            changed);
        Assert.Contains((await ReadIndexAsync()).GetProperty("feeds").EnumerateArray(), f => SlugOf(f) == category); // listed beside the feeds it kept
        Assert.True((await ReadIndexAsync()).GetProperty("feeds").GetArrayLength() >= 5);
    }

    [Fact]
    public async Task AnUnchangedRun_CostsOneRequest_HoweverManyArticlesAndFeedsThereAre()
    {
        for (var i = 0; i < 5; i++)
        {
            await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = Unique("cat"), Topics = [Unique("topic")] });
        }

        await Publisher.SettleAsync(Feeds);
        var (tables, blobs) = (new RequestCounter(), new RequestCounter());
        var publisher = CountedPublisher(tables, blobs);

        var afterRestart = await publisher.PublishAsync(default); // reads its mark from index.json first
        var (tablesThen, blobsThen) = (tables.Count, blobs.Count);
        var next = await publisher.PublishAsync(default);

        // After a restart, the first run also learns when the news sitemap next ages: the head of the published list
        // (one page) and the file's listing. From then on, an unchanged run is the catalog read alone.
        Assert.True(afterRestart.Skipped);
        Assert.Equal((2, 2), (tablesThen, blobsThen));
        Assert.True(next.Skipped);
        Assert.Equal((3, 2), (tables.Count, blobs.Count));
    }

    [Fact]
    public async Task AListThatGainsAnArticleWhileARunFindsItEmpty_StaysInTheCatalog()
    {
        var index = fixture.Services.GetRequiredService<ArticleIndex>();
        var category = Unique("cat");
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category });
        var store = fixture.Services.GetRequiredService<ArticleStore>();
        await store.SetPublishedAsync(id, false, null, default);
        var emptied = (await index.ReadCatalogAsync(null, default)).Lists.Single(l => l.Filter?.Slug == category);

        await store.SetPublishedAsync(id, true, null, default); // the list changes after the run read it empty
        var forgotten = await index.ForgetAsync(emptied, default);

        Assert.False(forgotten);
        Assert.Contains((await index.ReadCatalogAsync(null, default)).Lists, l => l.Filter?.Slug == category);
        await Publisher.PublishAsync(default);
        Assert.True((await Feeds.GetBlobClient($"category/{category}.json").ExistsAsync()).Value);
    }

    [Fact]
    public async Task PublishAndUnpublish_AreReflectedAtTheNextRun_AndAnEmptyCategoryLosesItsFeeds()
    {
        var category = Unique("cat");
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = false, Category = category, Published = DateTimeOffset.UtcNow }); // the newest once published
        var store = fixture.Services.GetRequiredService<ArticleStore>();
        await Publisher.PublishAsync(default);
        Assert.False((await Feeds.GetBlobClient($"category/{category}.rss.xml").ExistsAsync()).Value);

        await store.SetPublishedAsync(id, true, null, default);
        await Publisher.PublishAsync(default);
        var after = await LoadAsync($"category/{category}.atom.xml", new Atom10FeedFormatter());
        var allAfter = await LoadAsync("all.rss.xml", new Rss20FeedFormatter());

        await store.SetPublishedAsync(id, false, null, default);
        var removal = await Publisher.PublishAsync(default);
        var allRemoved = await LoadAsync("all.rss.xml", new Rss20FeedFormatter());
        var index = await ReadIndexAsync();

        Assert.Equal([FeedWriter.ItemId(id)], after.Items.Select(i => i.Id));
        Assert.Contains(allAfter.Items, i => i.Id == FeedWriter.ItemId(id));
        Assert.DoesNotContain(allRemoved.Items, i => i.Id == FeedWriter.ItemId(id));
        Assert.True(removal.Deleted >= 3);
        foreach (var suffix in new[] { ".rss.xml", ".atom.xml", ".json" })
        {
            Assert.False((await Feeds.GetBlobClient($"category/{category}{suffix}").ExistsAsync()).Value);
        }

        Assert.DoesNotContain(index.GetProperty("feeds").EnumerateArray(), f => SlugOf(f) == category);
    }

    [Fact]
    public async Task Feeds_HoldTheNewestMaxItems_NewestFirst()
    {
        var category = Unique("cat");
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Published = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddDays(i) }));
        }

        await Publisher.PublishAsync(default);

        using var json = JsonDocument.Parse(await ReadTextAsync($"category/{category}.json"));
        Assert.Equal(
            Enumerable.Reverse(ids).Take(3).Select(FeedWriter.ItemId),
            json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
    }

    /// <summary>A publisher as after a restart (no mark in memory), over clients that count their requests.</summary>
    private FeedPublisher CountedPublisher(RequestCounter tables, RequestCounter blobs)
    {
        var tableOptions = new Azure.Data.Tables.TableClientOptions();
        tableOptions.AddPolicy(tables, Azure.Core.HttpPipelinePosition.PerCall);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(blobs, Azure.Core.HttpPipelinePosition.PerCall);
        var index = new ArticleIndex(new Azure.Data.Tables.TableServiceClient(fixture.Azurite.ConnectionString, tableOptions), fixture.Clock, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero }));
        var blobClient = new BlobServiceClient(fixture.Azurite.ConnectionString, blobOptions);
        var feedOptions = fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedOptions>>();
        var sitemaps = new SitemapPublisher(index, blobClient, fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SitemapOptions>>(), feedOptions, fixture.Clock,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SitemapPublisher>.Instance);
        return new FeedPublisher(index, blobClient, feedOptions, fixture.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<FeedPublisher>.Instance, sitemaps: sitemaps);
    }

    private static string? SlugOf(JsonElement feed) => feed.TryGetProperty("slug", out var slug) ? slug.GetString() : null; // the overall feed has none

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];

    private async Task<string> ReadTextAsync(string path) => (await Feeds.GetBlobClient(path).DownloadContentAsync()).Value.Content.ToString();

    private async Task<JsonElement> ReadIndexAsync()
    {
        using var json = JsonDocument.Parse(await ReadTextAsync(FeedPublisher.IndexPath));
        return json.RootElement.Clone();
    }

    private async Task<SyndicationFeed> LoadAsync(string path, SyndicationFeedFormatter formatter)
    {
        var content = (await Feeds.GetBlobClient(path).DownloadContentAsync()).Value.Content;
        using var reader = XmlReader.Create(content.ToStream(), new XmlReaderSettings { CheckCharacters = true, DtdProcessing = DtdProcessing.Prohibit });
        formatter.ReadFrom(reader);
        return formatter.Feed;
    }

    private async Task<Dictionary<string, string>> EtagsAsync()
    {
        var etags = new Dictionary<string, string>(StringComparer.Ordinal);
        await foreach (var blob in Feeds.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
        {
            etags[blob.Name] = blob.Properties.ETag.ToString()!;
        }

        return etags;
    }

    /// <summary>Three items per feed, so paging past the limit is visible with few articles.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Feeds:MaxItems", "3")];
    }
}
