using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ContentPipeline.IntegrationTests;

/// <summary>Races between writers whose index writes are slow, and crashes that leave stale index entries behind.</summary>
public sealed class IndexRaceTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ArticleStore Store => fixture.Services.GetRequiredService<ArticleStore>();

    [Fact]
    public async Task UnpublishDuringASlowReupload_LeavesNoPublishedEntryBehind()
    {
        var file = new ArticleText { IsPublished = true };
        var id = await IngestAsync(file);
        var original = (await Store.GetAsync(id, includeBody: false, default))!;

        // Writer A: a re-upload whose index upserts take two seconds to land.
        var slowTables = SlowIndexTables(TimeSpan.FromSeconds(2));
        var slow = new ArticleStore(slowTables, new ArticleIndex(slowTables, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero })), fixture.Blobs, TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new RepairOptions()), NullLogger<ArticleStore>.Instance);
        var changed = new FrontMatterParser(new FrontMatterLimits()).Parse((file with { Title = "Retitled" }).ToBytes(), "reupload.txt").Article!;
        var reupload = slow.SaveUploadAsync(changed, null, original.Source with { BlobName = "reupload.txt", LastModified = original.Source.LastModified.AddSeconds(5) }, _ => Task.FromResult<string?>(null), default);
        await Wait.UntilAsync(async () => (await Store.GetAsync(id, false, default))!.Version == 2, "writer A committed the article");

        // Writer B: an editor unpublishes while A's upserts are in flight.
        var unpublish = await Store.SetPublishedAsync(id, false, null, default);
        await reupload;

        Assert.Equal(SaveOutcome.Updated, unpublish.Outcome);
        var entries = await EntriesAsync(id);
        Assert.DoesNotContain(entries, e => e.PartitionKey.StartsWith(IndexPartitions.Published, StringComparison.Ordinal));
        Assert.Equal([IndexPartitions.Drafts], entries.Select(e => e.PartitionKey));
    }

    [Fact]
    public async Task CrashAfterAnUnpublishCommitted_StalePublishedEntriesAreRemovedByRepair()
    {
        var id = await IngestAsync(new ArticleText { IsPublished = true });
        var publishedKeys = (await EntriesAsync(id)).Select(e => new IndexKey(e.PartitionKey, e.RowKey)).ToList();
        await InterruptedSaves.RunAsync(fixture, store => store.SetPublishedAsync(id, false, null, default)); // the unpublish commits, then stops
        Assert.Equal(publishedKeys, (await EntriesAsync(id)).Select(e => new IndexKey(e.PartitionKey, e.RowKey)));

        var mended = await Store.RepairAsync(includeRecent: true, default);

        Assert.True(mended >= 1);
        Assert.Equal([IndexPartitions.Drafts], (await EntriesAsync(id)).Select(e => e.PartitionKey));
    }

    private TableServiceClient SlowIndexTables(TimeSpan delay)
    {
        var options = new TableClientOptions();
        options.AddPolicy(new SlowIndexWrites(delay), HttpPipelinePosition.PerCall);
        return new TableServiceClient(fixture.Azurite.ConnectionString, options);
    }

    private async Task<string> IngestAsync(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var result = await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        return result.ArticleId!;
    }

    private async Task<List<TableEntity>> EntriesAsync(string id) =>
        await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ArticleId eq {id}")).ToListAsync();
}
