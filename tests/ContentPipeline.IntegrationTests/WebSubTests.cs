using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Feed runs tell a WebSub hub (a real HTTP listener on this machine) which feed files they changed: one
/// <c>hub.mode=publish</c> per file, with the file's public URL; nothing when nothing changed; a hub that fails is
/// tried again, one that refuses is counted, and neither fails the run.
/// </summary>
public sealed class WebSubTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task AFeedRun_NotifiesTheHubOfExactlyTheFeedFilesItChanged_AndAnUnchangedRunOfNone()
    {
        await using var hub = await HubListener.StartAsync();
        var publisher = Publisher(hub);
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = Unique("cat") });
        var first = await publisher.PublishAsync(default);
        Assert.Equal(hub.Received.Count, first.HubNotified);
        Assert.Equal(0, first.HubFailed);

        var (category, topic) = (Unique("cat"), Unique("topic"));
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Topics = [topic], Published = DateTimeOffset.UtcNow });
        var second = await publisher.PublishAsync(default);
        var told = hub.Received.Skip(first.HubNotified).ToList();

        // The overall feed, the new category's and the new topic's, each in three formats; not index.json.
        string[] bases = ["all", $"category/{category}", $"topic/{topic}"];
        var expected = bases.SelectMany(b => new[] { $"{b}.rss.xml", $"{b}.atom.xml", $"{b}.json" }).Select(p => publisher.PublicUrl(p).AbsoluteUri).Order(StringComparer.Ordinal);
        Assert.Equal(expected, told.Select(n => n.Url!).Order(StringComparer.Ordinal));
        Assert.All(told, n => Assert.Equal("publish", n.Mode));
        Assert.All(told, n => Assert.StartsWith("application/x-www-form-urlencoded", n.ContentType, StringComparison.Ordinal));
        Assert.Equal(9, second.HubNotified);
        Assert.Equal(second.Written - 1, second.HubNotified); // every feed file written, index.json aside

        // Each feed told of names the hub, so its subscribers found it.
        var rss = (await fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient($"category/{category}.rss.xml").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains($"rel=\"hub\" href=\"{hub.Url.AbsoluteUri}\"", rss, StringComparison.Ordinal);

        // No feed changed: the run may reread what changed within a second of the last read (and move index.json's
        // mark), but it writes no feed file and tells the hub nothing.
        var unchanged = await publisher.PublishAsync(default);
        Assert.Equal(0, unchanged.HubNotified);
        Assert.Equal(first.HubNotified + 9, hub.Received.Count);
    }

    [Fact]
    public async Task AHubThatFailsOnce_IsToldAgain_AndOneThatRefuses_IsCounted_WithoutFailingTheRun()
    {
        await using (var flaky = await HubListener.StartAsync(n => n == 0 ? 500 : 204))
        {
            var publisher = Publisher(flaky);
            await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = Unique("cat"), Topics = [Unique("topic")], Published = DateTimeOffset.UtcNow });

            var run = await publisher.PublishAsync(default);

            Assert.Equal(0, run.HubFailed);
            Assert.Equal(run.Written - 1, run.HubNotified);
            Assert.Equal(run.HubNotified + 1, flaky.Received.Count); // the one answered 500 came again
            Assert.Equal(run.HubNotified, flaky.Received.Select(n => n.Url).Distinct().Count());
        }

        await using var refusing = await HubListener.StartAsync(_ => 400);
        var category = Unique("cat");
        var refused = Publisher(refusing);
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Topics = [Unique("topic")], Published = DateTimeOffset.UtcNow });

        var result = await refused.PublishAsync(default);

        Assert.Equal(0, result.HubNotified);
        Assert.Equal(result.Written - 1, result.HubFailed);
        Assert.Equal(result.HubFailed, refusing.Received.Count); // a refusal is not tried again
        Assert.True((await fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient($"category/{category}.json").ExistsAsync()).Value);
    }

    /// <summary>A publisher as after a restart (its mark read from index.json), telling <paramref name="hub"/>.</summary>
    private FeedPublisher Publisher(HubListener hub)
    {
        var options = Options.Create(new FeedOptions { HubUrl = hub.Url.AbsoluteUri });
        return new FeedPublisher(
            fixture.Services.GetRequiredService<ArticleIndex>(), fixture.Blobs, options, fixture.Clock, NullLogger<FeedPublisher>.Instance,
            new WebSubNotifier(options, NullLogger<WebSubNotifier>.Instance));
    }

    private static string Unique(string prefix) => $"{prefix}{Guid.NewGuid():N}"[..20];
}
