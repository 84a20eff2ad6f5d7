using System.Text.Json;
using Azure.Storage.Blobs.Models;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>A run creates at most Feeds:MaxNewFeedsPerRun feeds; the rest follow in the next runs, none is lost.</summary>
public sealed class FeedCapTests(FeedCapTests.Fixture fixture) : IClassFixture<FeedCapTests.Fixture>
{
    [Fact]
    public async Task AnUploadWithManyNewTopics_IsPublishedOverSeveralRuns_NeverMoreThanTheCapAtOnce()
    {
        var file = new ArticleText { IsPublished = true, Category = "capped", Topics = ["one", "two", "three", "four", "five"] };
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        var publisher = fixture.Services.GetRequiredService<FeedPublisher>();
        var counts = new List<int>();

        for (var run = 0; run < 4; run++)
        {
            await publisher.PublishAsync(default);
            counts.Add((await FeedNamesAsync()).Count(n => n.EndsWith(".json", StringComparison.Ordinal) && n.Contains('/', StringComparison.Ordinal)));
        }

        // 6 new feeds (a category and five topics), 2 per run: 2, 4, 6, then nothing left to do.
        Assert.Equal([2, 4, 6, 6], counts);
        using var index = JsonDocument.Parse((await fixture.Blobs.GetBlobContainerClient("feeds").GetBlobClient(FeedPublisher.IndexPath).DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(7, index.RootElement.GetProperty("feeds").GetArrayLength()); // and the overall feed
    }

    private async Task<List<string>> FeedNamesAsync()
    {
        var names = new List<string>();
        await foreach (var blob in fixture.Blobs.GetBlobContainerClient("feeds").GetBlobsAsync(BlobTraits.None, BlobStates.None, null, default))
        {
            names.Add(blob.Name);
        }

        return names;
    }

    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Feeds:MaxNewFeedsPerRun", "2")];
    }
}
