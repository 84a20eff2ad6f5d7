using System.Xml.Linq;
using Azure.Storage.Blobs;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Sitemaps;
using ContentPipeline.Storage;
using ContentPipeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// <c>news-sitemap.xml</c> per Google's rules: published articles of the last two days, newest first, capped (two here),
/// with the publication's name and language from the settings; it ages by the clock even when no article changes, and
/// goes when no article is recent.
/// </summary>
public sealed class NewsSitemapTests(NewsSitemapTests.Fixture fixture) : IClassFixture<NewsSitemapTests.Fixture>
{
    private static readonly XNamespace Sm = SitemapWriter.Namespace;
    private static readonly XNamespace News = SitemapWriter.NewsNamespace;

    private FeedPublisher Publisher => fixture.Services.GetRequiredService<FeedPublisher>();

    private BlobContainerClient Feeds => fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);

    [Fact]
    public async Task TheNewsSitemap_ListsTheNewestRecentArticles_AndAgesWithTheClock()
    {
        var now = fixture.Clock.GetUtcNow();
        var old = new ArticleText { IsPublished = true, Published = now.AddDays(-3) };
        var recent = Enumerable.Range(1, 3).Select(h => new ArticleText { IsPublished = true, Published = now.AddHours(-h), Title = $"Recent <{h}> & more" }).ToList();
        var draft = new ArticleText { IsPublished = false, Published = now.AddMinutes(-30) };
        foreach (var file in recent.Prepend(old).Append(draft))
        {
            await fixture.IngestAsync(file);
        }

        var run = await Publisher.PublishAsync(default);

        Assert.Equal(2, run.Sitemaps!.NewsItems);
        var items = await ReadNewsAsync();
        Assert.Equal([(recent[0].Url, "Recent <1> & more"), (recent[1].Url, "Recent <2> & more")], items.Select(i => (i.Loc, i.Title)));
        Assert.All(items, i => Assert.Equal(("The Example Times", "fr"), (i.Name, i.Language)));
        Assert.Equal(FeedText.Rfc3339(recent[0].Published), items[0].Date);

        // No article changes, but the clock passes two days since the second: the next run (which finds nothing to
        // republish) rebuilds the news sitemap with the first alone.
        await Publisher.SettleAsync(Feeds);
        fixture.Clock.Advance(TimeSpan.FromHours(46.5));
        var aged = await Publisher.PublishAsync(default);
        Assert.True(aged.Skipped);
        Assert.Equal(1, aged.Sitemaps!.NewsItems);
        Assert.Equal([recent[0].Url], (await ReadNewsAsync()).Select(i => i.Loc));

        // Until then, runs read nothing for it; once the first is two days old too, the file goes.
        Assert.Same(SitemapRunResult.None, (await Publisher.PublishAsync(default)).Sitemaps);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var emptied = await Publisher.PublishAsync(default);
        Assert.Equal((0, 1), (emptied.Sitemaps!.NewsItems, emptied.Sitemaps.Deleted));
        Assert.False(await Feeds.GetBlobClient(SitemapPublisher.NewsSitemapPath).ExistsAsync());
    }

    private async Task<List<(string Loc, string Title, string Name, string Language, string Date)>> ReadNewsAsync()
    {
        var content = (await Feeds.GetBlobClient(SitemapPublisher.NewsSitemapPath).DownloadContentAsync()).Value.Content;
        SitemapSchemas.ValidateUrlSet(content);
        return XDocument.Parse(content.ToString()).Root!.Elements(Sm + "url").Select(u =>
        {
            var news = u.Element(News + "news")!;
            var publication = news.Element(News + "publication")!;
            return (u.Element(Sm + "loc")!.Value, news.Element(News + "title")!.Value, publication.Element(News + "name")!.Value,
                publication.Element(News + "language")!.Value, news.Element(News + "publication_date")!.Value);
        }).ToList();
    }


    /// <summary>Two news items at most, and the publication named in the settings.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Sitemaps:NewsMaxItems", "2"),
            new("Sitemaps:PublicationName", "The Example Times"),
            new("Sitemaps:PublicationLanguage", "fr"),
        ];
    }
}
