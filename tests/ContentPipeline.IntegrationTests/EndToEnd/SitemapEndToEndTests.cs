using System.Xml.Linq;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Sitemaps;
using ContentPipeline.Storage;
using ContentPipeline.Testing;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The local host with the articles' own pages named by a URL template, and a publication name.</summary>
public sealed class SitemapHostFixture : LocalHostFixture
{
    public const string Template = "https://news.example.org/articles/{id}";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Values:Sitemaps__ArticleUrlTemplate", Template),
        new("Values:Sitemaps__PublicationName", "Pipeline Daily"),
    ];
}

/// <summary>Sitemaps through the real worker: an upload, a feed run, and both sitemaps list the article, valid.</summary>
public sealed class SitemapEndToEndTests(SitemapHostFixture host) : IClassFixture<SitemapHostFixture>
{
    private static readonly XNamespace Sm = SitemapWriter.Namespace;
    private static readonly XNamespace News = SitemapWriter.NewsNamespace;

    [Fact]
    public async Task AnUploadedArticle_IsInTheSitemapAndTheNewsSitemap_AfterAFeedRun_AndADraftIsInNeither()
    {
        var file = new ArticleText { IsPublished = true, Published = DateTimeOffset.UtcNow.AddMinutes(-5), Title = "Sitemaps & news" };
        var draft = new ArticleText { IsPublished = false, Published = DateTimeOffset.UtcNow.AddMinutes(-4) };
        var (id, draftId) = (ArticleId.FromUrl(new Uri(file.Url)), ArticleId.FromUrl(new Uri(draft.Url)));
        foreach (var upload in new[] { file, draft })
        {
            await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(upload.ToBytes()));
        }

        await Wait.UntilAsync(async () => (await host.Http.GetStringAsync("/api/articles")).Contains(id, StringComparison.Ordinal), "the article is listed");
        await Wait.UntilAsync(async () => (await host.Http.GetStringAsync($"/api/editor/articles?status=draft&code={LocalHostFixture.FunctionKey}")).Contains(draftId, StringComparison.Ordinal), "the draft is stored");

        await host.RunFeedsAsync();

        var feeds = host.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
        var sitemap = (await feeds.GetBlobClient(SitemapPublisher.SitemapPath).DownloadContentAsync()).Value.Content;
        SitemapSchemas.ValidateUrlSet(sitemap);
        var locations = XDocument.Parse(sitemap.ToString()).Root!.Elements(Sm + "url").Select(u => u.Element(Sm + "loc")!.Value).ToList();
        Assert.Contains(SitemapHostFixture.Template.Replace("{id}", id, StringComparison.Ordinal), locations);
        Assert.DoesNotContain(locations, l => l.Contains(draftId, StringComparison.Ordinal));

        var news = (await feeds.GetBlobClient(SitemapPublisher.NewsSitemapPath).DownloadContentAsync()).Value.Content;
        SitemapSchemas.ValidateUrlSet(news);
        var item = XDocument.Parse(news.ToString()).Root!.Elements(Sm + "url")
            .Single(u => u.Element(Sm + "loc")!.Value.EndsWith(id, StringComparison.Ordinal)).Element(News + "news")!;
        Assert.Equal("Sitemaps & news", item.Element(News + "title")!.Value);
        Assert.Equal("Pipeline Daily", item.Element(News + "publication")!.Element(News + "name")!.Value);
        Assert.DoesNotContain(draftId, news.ToString(), StringComparison.Ordinal);
    }
}
