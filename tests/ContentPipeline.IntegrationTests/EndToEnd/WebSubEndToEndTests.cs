using System.Net;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The local host with a WebSub hub configured (a listener on this machine, started before the host).</summary>
public sealed class WebSubHostFixture : LocalHostFixture
{
    public HubListener Hub { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Values:Feeds__HubUrl", Hub.Url.AbsoluteUri)];

    protected override async Task OnAzuriteStartedAsync() => Hub = await HubListener.StartAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Hub.DisposeAsync();
    }
}

/// <summary>WebSub through the real worker: an upload, a feed run, and the hub hears of the feeds that changed.</summary>
public sealed class WebSubEndToEndTests(WebSubHostFixture host) : IClassFixture<WebSubHostFixture>
{
    [Fact]
    public async Task AnUploadedArticle_ReachesTheHub_AsAPublishOfEachFeedItChanged()
    {
        var file = new ArticleText { IsPublished = true, Category = $"hub-{Guid.NewGuid():N}"[..12], Published = DateTimeOffset.UtcNow };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        await Wait.UntilAsync(async () => (await host.Http.GetStringAsync($"/api/articles?category={file.Category}")).Contains(id, StringComparison.Ordinal), "the article is listed");

        await host.RunFeedsAsync();

        var feeds = host.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);
        var told = host.Hub.Received.Where(n => n.Mode == "publish").Select(n => n.Url).ToHashSet();
        foreach (var path in new[] { "all.rss.xml", "all.atom.xml", "all.json", $"category/{file.Category}.rss.xml", $"category/{file.Category}.atom.xml", $"category/{file.Category}.json" })
        {
            Assert.Contains(feeds.GetBlobClient(path).Uri.AbsoluteUri, told);
        }

        var atom = (await feeds.GetBlobClient($"category/{file.Category}.atom.xml").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains($"<link rel=\"hub\" href=\"{host.Hub.Url.AbsoluteUri}\"", atom, StringComparison.Ordinal);
        Assert.Contains(id, atom, StringComparison.Ordinal);
    }
}
