using System.Text.Json;
using Azure.Storage.Blobs;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Feed runs on two instances at once (an admin run beside the timer's, a singleton lease lost in an outage): each
/// instance has its own publisher, with its own in-process gate and mark, over one storage account.
/// </summary>
public sealed class FeedRunOverlapTests(FeedPublisherTests.Fixture fixture) : IClassFixture<FeedPublisherTests.Fixture>
{
    private FeedPublisher Publisher => fixture.Services.GetRequiredService<FeedPublisher>();

    private BlobContainerClient Feeds => fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer);

    [Fact]
    public async Task TwoOverlappingRuns_OnTwoInstances_EndWithTheNewestFeed_AndAConsistentIndex()
    {
        // Newest first: each article is newer than everything earlier tests published, so all three stay in the feeds.
        var category = $"cat{Guid.NewGuid():N}"[..20];
        var at = DateTimeOffset.UtcNow.AddDays(1);
        await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Published = at });
        await Publisher.PublishAsync(default);
        var second = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Published = at.AddMinutes(1) });

        // Instance A starts a run and has read the overall list (with the second article) when it stalls.
        var gate = new HeldListRead(IndexPartitions.Published);
        var stalled = GatedPublisher(gate);
        var runA = Task.Run(() => stalled.PublishAsync(default));
        await gate.Held.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Meanwhile a third article arrives and instance B's run publishes it.
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        var third = await fixture.IngestAsync(new ArticleText { IsPublished = true, Category = category, Published = at.AddMinutes(2) });
        await Publisher.PublishAsync(default);
        var newest = await ReadTextAsync("all.json");
        Assert.Contains(third, newest, StringComparison.Ordinal);

        // A goes on with what it read: it must not put its older overall feed, or its older index entries, back.
        gate.Release.SetResult();
        await runA;

        using var all = JsonDocument.Parse(await ReadTextAsync("all.json"));
        var items = all.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).ToList();
        Assert.Equal(FeedWriter.ItemId(third), items[0]);
        Assert.Equal(FeedWriter.ItemId(second), items[1]);
        Assert.Equal(newest, await ReadTextAsync("all.json")); // B's version, byte for byte
        var index = await ReadIndexAsync();
        var overall = index.GetProperty("feeds").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "all");
        Assert.Equal(items.Count, overall.GetProperty("items").GetInt32());
        var categoryEntry = index.GetProperty("feeds").EnumerateArray().Single(f => SlugOf(f) == category);
        using var categoryFeed = JsonDocument.Parse(await ReadTextAsync($"category/{category}.json"));
        Assert.Equal(3, categoryFeed.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(3, categoryEntry.GetProperty("items").GetInt32());
        Assert.Equal(
            categoryFeed.RootElement.GetProperty("items")[0].GetProperty("date_published").GetDateTimeOffset(),
            categoryEntry.GetProperty("updated").GetDateTimeOffset());
    }

    /// <summary>Another instance's publisher (its own mark and gate), whose reads of one list stall at <paramref name="gate"/>.</summary>
    private FeedPublisher GatedPublisher(HeldListRead gate)
    {
        var tableOptions = new Azure.Data.Tables.TableClientOptions();
        tableOptions.AddPolicy(gate, Azure.Core.HttpPipelinePosition.PerCall);
        var index = new ArticleIndex(new Azure.Data.Tables.TableServiceClient(fixture.Azurite.ConnectionString, tableOptions), fixture.Clock, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero }));
        return new FeedPublisher(index, fixture.Blobs, fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<FeedOptions>>(), fixture.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger<FeedPublisher>.Instance);
    }

    /// <summary>Holds the answer to the first query of one index partition until released, as a stalled instance would.</summary>
    private sealed class HeldListRead(string partition) : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _held;

        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            var query = Uri.UnescapeDataString(message.Request.Uri.Query);
            if (message.Request.Method == Azure.Core.RequestMethod.Get && query.Contains($"PartitionKey eq '{partition}'", StringComparison.Ordinal) && Interlocked.Exchange(ref _held, 1) == 0)
            {
                Held.SetResult();
                await Release.Task;
            }
        }

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The publisher is asynchronous.");
    }

    private static string? SlugOf(JsonElement feed) => feed.TryGetProperty("slug", out var slug) ? slug.GetString() : null;

    private async Task<string> ReadTextAsync(string path) => (await Feeds.GetBlobClient(path).DownloadContentAsync()).Value.Content.ToString();

    private async Task<JsonElement> ReadIndexAsync()
    {
        using var json = JsonDocument.Parse(await ReadTextAsync(FeedPublisher.IndexPath));
        return json.RootElement.Clone();
    }
}
