using System.Xml.Linq;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Sitemaps;
using ContentPipeline.Storage;
using ContentPipeline.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// The feed run writes <c>sitemap.xml</c> of every published article (a sitemap index of numbered files past the limit
/// per file, three here), valid against the protocol's XSDs; it rewrites nothing unchanged, follows unpublishing, and a
/// full feed run leaves the sitemaps to their own writer.
/// </summary>
public sealed class SitemapTests(SitemapTests.Fixture fixture) : IClassFixture<SitemapTests.Fixture>
{
    private static readonly XNamespace Sm = SitemapWriter.Namespace;

    private FeedPublisher Publisher => fixture.Services.GetRequiredService<FeedPublisher>();

    private BlobContainerClient Feeds => fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);

    [Fact]
    public async Task PublishedArticles_AreListedOldestFirst_InAnIndexOfValidFiles_AndFollowUnpublishing()
    {
        var start = new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
        var files = Enumerable.Range(0, 4).Select(i => new ArticleText { IsPublished = true, Published = start.AddHours(i) }).ToList();
        foreach (var file in files)
        {
            await fixture.IngestAsync(file);
        }

        var draft = new ArticleText { IsPublished = false, Published = start.AddHours(10) };
        await fixture.IngestAsync(draft);

        var run = await Publisher.PublishAsync(default);

        Assert.Equal(4, run.Sitemaps!.Urls);
        var index = await ReadAsync(SitemapPublisher.SitemapPath);
        SitemapSchemas.ValidateIndex(index);
        var parts = XDocument.Parse(index.ToString()).Root!.Elements(Sm + "sitemap").Select(s => s.Element(Sm + "loc")!.Value).ToList();
        Assert.Equal(["sitemaps/sitemap-1.xml", "sitemaps/sitemap-2.xml"], parts.Select(p => p[(Feeds.Uri.AbsoluteUri.Length + 1)..]));
        var listed = new List<string>();
        foreach (var part in parts)
        {
            var content = await ReadAsync(part[(Feeds.Uri.AbsoluteUri.Length + 1)..]);
            SitemapSchemas.ValidateUrlSet(content);
            listed.AddRange(XDocument.Parse(content.ToString()).Root!.Elements(Sm + "url").Select(u => u.Element(Sm + "loc")!.Value));
        }

        Assert.Equal(files.Select(f => f.Url), listed); // oldest first: a new article changes the last file only
        Assert.DoesNotContain(draft.Url, listed);

        // Nothing changed: no sitemap file is rewritten.
        var before = await EtagsAsync();
        await Publisher.SettleAsync(Feeds);
        Assert.Equal(before, await EtagsAsync());

        // The newest is unpublished: three URLs fit one file, which sitemap.xml now is; the numbered files go.
        await fixture.IngestAsync(new ArticleText { Url = files[3].Url, IsPublished = false, Published = files[3].Published });
        run = await Publisher.PublishAsync(default);
        Assert.Equal(3, run.Sitemaps!.Urls);
        Assert.Equal(2, run.Sitemaps.Deleted);
        var single = await ReadAsync(SitemapPublisher.SitemapPath);
        SitemapSchemas.ValidateUrlSet(single);
        Assert.Equal(files.Take(3).Select(f => f.Url), XDocument.Parse(single.ToString()).Root!.Elements(Sm + "url").Select(u => u.Element(Sm + "loc")!.Value));
        Assert.Equal([SitemapPublisher.SitemapPath], (await EtagsAsync()).Keys);
        var properties = (await Feeds.GetBlobClient(SitemapPublisher.SitemapPath).GetPropertiesAsync()).Value;
        Assert.Equal("application/xml", properties.ContentType);
        Assert.Equal("public, max-age=300", properties.CacheControl);

        // A full feed run (index.json gone) removes files no feed claims, but not the sitemaps.
        var sitemap = await EtagsAsync();
        await Feeds.DeleteBlobAsync(FeedPublisher.IndexPath);
        await Publisher.PublishAsync(default);
        Assert.Equal(sitemap, await EtagsAsync());
    }


    private async Task<BinaryData> ReadAsync(string path) => (await Feeds.GetBlobClient(path).DownloadContentAsync()).Value.Content;

    /// <summary>The sitemap files and their versions.</summary>
    private async Task<Dictionary<string, ETag>> EtagsAsync()
    {
        var etags = new Dictionary<string, ETag>(StringComparer.Ordinal);
        await foreach (var blob in Feeds.GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
        {
            if (SitemapPublisher.Owns(blob.Name))
            {
                etags[blob.Name] = blob.Properties.ETag!.Value;
            }
        }

        return etags;
    }

    /// <summary>Three URLs per sitemap file, so the split shows with four articles.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Sitemaps:MaxUrlsPerFile", "3")];
    }
}
