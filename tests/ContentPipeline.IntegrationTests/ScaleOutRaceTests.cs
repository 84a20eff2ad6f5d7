using System.Text.Json;
using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using ContentPipeline.Articles;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Several instances of the app on one storage account, as Flex Consumption scales it out: each has its own clients,
/// group commit and catalog debounce, and nothing in memory is shared. Whatever runs where, each article ends as one
/// entity with one set of index entries that carry its stored version, and one catalog row per list. Instance 1 reaches
/// the index over a slow network (every index write takes 300 ms longer), so the others get in between its phases.
/// </summary>
public sealed class ScaleOutRaceTests(ScaleOutRaceTests.Fixture fixture) : IClassFixture<ScaleOutRaceTests.Fixture>, IAsyncLifetime
{
    private const int Instances = 3;
    private readonly List<ServiceProvider> _instances = [];
    private readonly SlowIndexWrites _slow = new(TimeSpan.FromMilliseconds(300));

    public Task InitializeAsync()
    {
        for (var i = 0; i < Instances; i++)
        {
            _instances.Add(i == 1 ? fixture.NewInstance(o => o.AddPolicy(_slow, HttpPipelinePosition.PerCall)) : fixture.NewInstance());
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }
    }

    [Fact]
    public async Task TheSameFile_IngestedOnEveryInstanceAtOnce_IsStoredOnce_AndIndexedOnce()
    {
        var files = Enumerable.Range(0, 20).Select(_ => (Name: $"same-{Guid.NewGuid():N}.txt", File: new ArticleText { IsPublished = true })).ToList();
        foreach (var (name, file) in files)
        {
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        }

        // Every file delivered to every instance at the same moment (Event Grid and the sweep, or a retried message).
        var results = await Task.WhenAll(files.SelectMany(f => _instances.Select(i => Task.Run(() => Ingest(i).IngestInStepAsync(f.Name)))));

        Assert.All(results, r => Assert.Contains(r.Outcome, new[] { IngestOutcome.Created, IngestOutcome.Unchanged }));
        foreach (var (name, file) in files)
        {
            var id = IdOf(file);
            Assert.Single(results, r => r.ArticleId == id && r.Outcome == IngestOutcome.Created);
            var stored = await AssertInStepAsync(id, published: true);
            Assert.Equal(1, stored.Version); // duplicates never rewrite the article
            Assert.Contains((await State.GetOutcomeAsync(StorageNames.IncomingContainer, name, default))!.Outcome, new[] { BlobOutcome.Stored, BlobOutcome.Unchanged });
        }
    }

    [Fact]
    public async Task TwoFilesOfOneArticle_OnTwoInstancesAtOnce_ConvergeToOneArticle()
    {
        var pairs = Enumerable.Range(0, 15).Select(_ =>
        {
            var first = new ArticleText { IsPublished = true, Title = "First file's title", Topics = ["AI"] };
            var second = first with { Title = "Second file's title", Category = "science", Topics = ["Robots", "Space"] };
            return (First: (Name: $"a-{Guid.NewGuid():N}.txt", File: first), Second: (Name: $"b-{Guid.NewGuid():N}.txt", File: second));
        }).ToList();
        foreach (var (first, second) in pairs)
        {
            await fixture.Incoming.GetBlobClient(first.Name).UploadAsync(BinaryData.FromBytes(first.File.ToBytes()));
            await fixture.Incoming.GetBlobClient(second.Name).UploadAsync(BinaryData.FromBytes(second.File.ToBytes()));
        }

        await Task.WhenAll(pairs.SelectMany(p => new[]
        {
            Task.Run(() => Ingest(_instances[0]).IngestInStepAsync(p.First.Name)),
            Task.Run(() => Ingest(_instances[1]).IngestInStepAsync(p.Second.Name)),
        }));

        foreach (var (first, _) in pairs)
        {
            // Which file wins is the ordering rule's business; that the index shows the winner and nothing of the loser is ours.
            var stored = await AssertInStepAsync(IdOf(first.File), published: true);
            Assert.Contains(stored.Article.Title, new[] { "First file's title", "Second file's title" });
        }
    }

    [Fact]
    public async Task AReupload_RacingAnEditorsUnpublish_OnAnotherInstance_EndsUnpublished_WithTheNewTitleEverywhere()
    {
        var files = Enumerable.Range(0, 15).Select(_ => (Name: $"race-{Guid.NewGuid():N}.txt", File: new ArticleText { IsPublished = true })).ToList();
        foreach (var (name, file) in files)
        {
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
            await Ingest(_instances[0]).IngestInStepAsync(name);
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes((file with { Title = "Retitled", Topics = ["Space"] }).ToBytes()), overwrite: true);
        }

        // The re-upload on the slow instance; the unpublish on another once the re-upload's article is committed, while
        // its index writes are still on their way.
        await Task.WhenAll(files.Select(f => Task.Run(async () =>
        {
            var reupload = Ingest(_instances[1]).IngestInStepAsync(f.Name);
            await Wait.UntilAsync(async () => (await Store(_instances[2]).GetAsync(IdOf(f.File), includeBody: false, default))!.Version == 2, "the re-upload committed");
            await Store(_instances[2]).SetPublishedAsync(IdOf(f.File), false, null, default);
            await reupload;
        })));

        Assert.True(_slow.Delayed > 0, "the re-uploading instance's index writes were slow");
        foreach (var (_, file) in files)
        {
            // An editor's choice survives re-uploads, and the re-upload's content survives the editor's toggle.
            var stored = await AssertInStepAsync(IdOf(file), published: false);
            Assert.Equal("Retitled", stored.Article.Title);
        }
    }

    [Fact]
    public async Task TwoSweeps_OnTwoInstancesAtOnce_IngestEveryBlob_AndNoneTwice()
    {
        var files = Enumerable.Range(0, 30).Select(_ => (Name: $"sweep-{Guid.NewGuid():N}.txt", File: new ArticleText { IsPublished = true })).ToList();
        foreach (var (name, file) in files)
        {
            await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes())); // no event: only a sweep finds them
        }

        await Task.WhenAll(_instances.Take(2).Select(i => Task.Run(() => SweepUntilCompleteAsync(i.GetRequiredService<IncomingSweeper>()))));

        foreach (var (name, file) in files)
        {
            Assert.Equal(1, (await AssertInStepAsync(IdOf(file), published: true)).Version);
            Assert.Contains((await State.GetOutcomeAsync(StorageNames.IncomingContainer, name, default))!.Outcome, new[] { BlobOutcome.Stored, BlobOutcome.Unchanged });
        }
    }

    [Fact]
    public async Task TwoRedrivers_OnTwoInstancesAtOnce_StoreEveryPoisonedBlobOnce_AndClearItsFailure()
    {
        var files = Enumerable.Range(0, 20).Select(_ => (Name: $"poison-{Guid.NewGuid():N}.txt", File: new ArticleText { IsPublished = true })).ToList();
        var queue = new QueueClient(fixture.Azurite.ConnectionString, StorageNames.PoisonQueue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        await queue.CreateIfNotExistsAsync();
        foreach (var (name, file) in files)
        {
            var etag = (await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()))).Value.ETag.ToString();
            await queue.SendMessageAsync(JsonSerializer.Serialize(new { Type = "BlobTrigger", FunctionId = "Host.Functions.IngestArticle", BlobType = "BlockBlob", ContainerName = StorageNames.IncomingContainer, BlobName = name, ETag = etag }));
        }

        // Both drain the queue at once, then (after the first delay) both take the due ones at once.
        await Task.WhenAll(_instances.Take(2).Select(i => Task.Run(() => i.GetRequiredService<BlobRedriver>().RunAsync(default))));
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await Task.WhenAll(_instances.Take(2).Select(i => Task.Run(() => i.GetRequiredService<BlobRedriver>().RunAsync(default))));

        foreach (var (name, file) in files)
        {
            Assert.Equal(1, (await AssertInStepAsync(IdOf(file), published: true)).Version);
            Assert.Contains((await State.GetOutcomeAsync(StorageNames.IncomingContainer, name, default))!.Outcome, new[] { BlobOutcome.Stored, BlobOutcome.Unchanged });
        }

        Assert.DoesNotContain(await FailedNamesAsync(), n => files.Any(f => f.Name == n));
    }

    private IngestStateStore State => fixture.Services.GetRequiredService<IngestStateStore>();

    private static IngestService Ingest(IServiceProvider instance) => instance.GetRequiredService<IngestService>();

    private static ArticleStore Store(IServiceProvider instance) => instance.GetRequiredService<ArticleStore>();

    private static string IdOf(ArticleText file) => ArticleId.FromUrl(new Uri(file.Url));

    /// <summary>
    /// The article is stored once and marked in step, no save of it is pending, and its index entries are exactly the
    /// lists its stored version belongs to, once each, each carrying that version's title; each published list has its
    /// catalog row.
    /// </summary>
    private async Task<StoredArticle> AssertInStepAsync(string id, bool published)
    {
        await Task.WhenAll(_instances.Select(i => i.IndexSettledAsync())); // sweeps and redrives write entries behind their ingests
        var stored = (await fixture.Services.GetRequiredService<ArticleStore>().GetAsync(id, includeBody: false, default))!;
        Assert.NotNull(stored);
        var entity = (await fixture.ArticlesTable.GetEntityAsync<TableEntity>(id, StorageNames.ArticleRowKey)).Value;
        Assert.True(entity.GetBoolean(ArticleEntityCodec.Props.IndexSynced));
        Assert.False(await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending} and SavingArticle eq {id}")).AnyAsync());

        var entries = await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ArticleId eq {id}")).ToListAsync();
        var expected = IndexPartitions.For(stored, fixture.Clock.GetUtcNow()).Select(k => k.PartitionKey).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, entries.Select(e => e.PartitionKey).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(stored.Article.Title, e.GetString("Title")));
        Assert.Equal(published, entries.Any(e => e.PartitionKey == IndexPartitions.Published));
        foreach (var list in entries.Select(e => e.PartitionKey).Where(p => IndexPartitions.TryParseList(p, out _)))
        {
            Assert.True((await fixture.IndexTable.GetEntityIfExistsAsync<TableEntity>(IndexPartitions.Catalog, list)).HasValue, $"catalog row of {list}");
        }

        return stored;
    }

    private async Task<List<string>> FailedNamesAsync()
    {
        var names = new List<string>();
        string? cursor = null;
        do
        {
            var (items, next) = await State.ListFailuresAsync(cursor, 100, default);
            names.AddRange(items.Select(f => f.BlobName));
            cursor = next;
        }
        while (cursor is not null);
        return names;
    }

    private static async Task SweepUntilCompleteAsync(IncomingSweeper sweeper)
    {
        for (var runs = 0; runs < 1000 && !(await sweeper.SweepAsync(default)).PassComplete; runs++)
        {
        }
    }

    /// <summary>Sweeps see blobs at once, a few per page, so two sweeps interleave over many pages.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Sweep:MinAge", "00:00:00"),
            new("Sweep:PageSize", "5"),
            new("Sweep:MaxBlobsPerRun", "10"),
        ];
    }
}
