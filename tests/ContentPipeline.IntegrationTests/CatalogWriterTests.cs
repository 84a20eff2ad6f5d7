using System.Collections.Concurrent;
using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// The catalog's hot rows under a burst, with the production interval (one write per list per second): every change
/// still reaches the catalog after its entries, and the saves' records go once their rows are written.
/// </summary>
public sealed class CatalogWriterTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task ABurstOfSaves_WritesEachListsCatalogRowAboutOncePerSecond_AndLastAfterTheLastChange()
    {
        var category = $"burst-{Guid.NewGuid():N}"[..14];
        var ids = new List<string>();
        foreach (var i in Enumerable.Range(0, 40))
        {
            ids.Add(await IngestAsync(new ArticleText { IsPublished = true, Category = category }));
        }

        var writes = new ConcurrentQueue<(TimeSpan At, bool Catalog, string Body)>();
        var clock = Stopwatch.StartNew();
        var options = new TableClientOptions();
        options.AddPolicy(new RecordIndexWrites(writes, clock), HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString, options);
        var store = new ArticleStore(tables, new ArticleIndex(tables, TimeProvider.System, Options.Create(new IndexOptions())), fixture.Blobs, TimeProvider.System, Options.Create(new RepairOptions()), NullLogger<ArticleStore>.Instance);

        // Unpublished in waves, as editors and uploads would, over about two seconds.
        foreach (var wave in ids.Chunk(8))
        {
            await Task.WhenAll(wave.Select(id => store.SetPublishedAsync(id, false, null, default)));
            await Task.Delay(250);
        }

        // Every save's record goes once its rows are written (at the end of an interval).
        await Wait.UntilAsync(async () => (await PendingAsync(ids)) == 0, "no save is left pending", TimeSpan.FromSeconds(10));

        var categoryList = IndexPartitions.Of(new ArticleFilter(ArticleFilterKind.Category, category));
        var rowWrites = writes.Where(w => w.Catalog && w.Body.Contains($"RowKey='{categoryList}'", StringComparison.Ordinal)).Select(w => w.At).Order().ToList();
        var lastEntryWrite = writes.Where(w => !w.Catalog && w.Body.Contains($"PartitionKey='{categoryList}'", StringComparison.Ordinal)).Max(w => w.At);
        // 40 changes of the list, about one write of its row a second. Timed as they land: a write queued behind a busy
        // transaction may land late and the next one on time, so two can land closer, never three within a second.
        var span = rowWrites[^1] - rowWrites[0];
        Assert.InRange(rowWrites.Count, 2, (int)Math.Ceiling(span.TotalSeconds) + 2);
        Assert.True(rowWrites.Count < ids.Count / 4, $"{rowWrites.Count} writes of the row for {ids.Count} changes");
        Assert.All(rowWrites.Zip(rowWrites.Skip(2)), pair => Assert.True(pair.Second - pair.First >= TimeSpan.FromMilliseconds(900), $"three writes of the row within {(pair.Second - pair.First).TotalMilliseconds:F0} ms"));
        Assert.True(rowWrites[^1] > lastEntryWrite, "the list's row is written after its last change");
    }

    private async Task<string> IngestAsync(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        return (await fixture.Services.GetRequiredService<IngestService>().IngestInStepAsync(name)).ArticleId!;
    }

    private async Task<int> PendingAsync(IReadOnlyCollection<string> ids)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending}");
        return (await fixture.IndexTable.QueryAsync<TableEntity>(filter).ToListAsync()).Count(r => ids.Contains(r.GetString("SavingArticle")));
    }

    /// <summary>Records every write to the index (its body, unescaped) and whether it is to the catalog partition.</summary>
    private sealed class RecordIndexWrites(ConcurrentQueue<(TimeSpan At, bool Catalog, string Body)> writes, Stopwatch clock) : HttpPipelinePolicy
    {
        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            if (message.Request.Method != RequestMethod.Get && message.Request.Content is { } content)
            {
                using var body = new MemoryStream();
                await content.WriteToAsync(body, default);
                var text = Uri.UnescapeDataString(System.Text.Encoding.UTF8.GetString(body.ToArray()) + message.Request.Uri.Path);
                writes.Enqueue((clock.Elapsed, text.Contains($"PartitionKey='{IndexPartitions.Catalog}'", StringComparison.Ordinal), text));
            }
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }
}
