using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Parsing;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Uploads return once their article is committed and write their index entries behind them
/// (<see cref="IndexOptions.WriteBehindSaves"/>): readable by id at once, in step a moment later, never more behind than
/// the setting allows, and finished on a graceful stop. Each store here reaches the fixture's Azurite through a client
/// whose writes to the lists can be held back, so "a moment later" is a condition the test controls.
/// </summary>
public sealed class IndexWriteBehindTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task AnUpload_ReturnsOnceItsArticleIsCommitted_AndItsEntriesFollowBehindIt()
    {
        var held = new HeldListWrites();
        var (store, _) = StoreOver(held, new IndexOptions { CatalogInterval = TimeSpan.Zero });
        var (article, source) = Parse(new ArticleText { IsPublished = true });

        var saved = await store.SaveUploadAsync(article, null, source, _ => Task.FromResult<string?>(null), default);

        // Answered while every list write is still held: the article is there, its save recorded as pending.
        Assert.Equal(SaveOutcome.Created, saved.Outcome);
        Assert.False(saved.Indexed.IsCompleted);
        Assert.NotNull(await Reader.GetAsync(article.Id, includeBody: false, default));
        Assert.False((await fixture.ArticlesTable.GetEntityAsync<TableEntity>(article.Id, StorageNames.ArticleRowKey)).Value.GetBoolean(ArticleEntityCodec.Props.IndexSynced));
        Assert.Single(await PendingOfAsync(article.Id));
        Assert.Empty(await EntriesOfAsync(article.Id));

        held.Release();
        await saved.Indexed;

        var stored = (await Reader.GetAsync(article.Id, includeBody: false, default))!;
        Assert.Equal(
            IndexPartitions.For(stored, fixture.Clock.GetUtcNow()).Select(k => k.PartitionKey).Order(StringComparer.Ordinal),
            (await EntriesOfAsync(article.Id)).Select(e => e.PartitionKey).Order(StringComparer.Ordinal));
        Assert.True((await fixture.ArticlesTable.GetEntityAsync<TableEntity>(article.Id, StorageNames.ArticleRowKey)).Value.GetBoolean(ArticleEntityCodec.Props.IndexSynced));
        Assert.Empty(await PendingOfAsync(article.Id));
    }

    [Fact]
    public async Task WhenTheWritesBehindAreFull_AnUploadWritesItsOwnEntriesBeforeItReturns()
    {
        var held = new HeldListWrites();
        var (store, _) = StoreOver(held, new IndexOptions { CatalogInterval = TimeSpan.Zero, WriteBehindSaves = 1 });
        var (first, firstSource) = Parse(new ArticleText { IsPublished = true });
        var (second, secondSource) = Parse(new ArticleText { IsPublished = true });

        var behind = await store.SaveUploadAsync(first, null, firstSource, _ => Task.FromResult<string?>(null), default);
        Assert.False(behind.Indexed.IsCompleted); // the one place is taken
        var inline = store.SaveUploadAsync(second, null, secondSource, _ => Task.FromResult<string?>(null), default);
        await Wait.UntilAsync(async () => await Reader.GetAsync(second.Id, includeBody: false, default) is not null, "the second upload committed its article");
        held.Release();
        var saved = await inline;

        // Its entries were written before it answered: nothing was left behind it.
        Assert.True(saved.Indexed.IsCompletedSuccessfully);
        Assert.NotEmpty(await EntriesOfAsync(second.Id));
        Assert.Empty(await PendingOfAsync(second.Id));
        await behind.Indexed;
        Assert.NotEmpty(await EntriesOfAsync(first.Id));
    }

    [Fact]
    public async Task WithWriteBehindOff_AnUploadIsInStepWhenItReturns()
    {
        var (store, _) = StoreOver(new HeldListWrites(released: true), new IndexOptions { CatalogInterval = TimeSpan.Zero, WriteBehindSaves = 0 });
        var (article, source) = Parse(new ArticleText { IsPublished = true });

        var saved = await store.SaveUploadAsync(article, null, source, _ => Task.FromResult<string?>(null), default);

        Assert.True(saved.Indexed.IsCompletedSuccessfully);
        Assert.NotEmpty(await EntriesOfAsync(article.Id));
        Assert.True((await fixture.ArticlesTable.GetEntityAsync<TableEntity>(article.Id, StorageNames.ArticleRowKey)).Value.GetBoolean(ArticleEntityCodec.Props.IndexSynced));
    }

    [Fact]
    public async Task AGracefulStop_FinishesTheSavesBehind()
    {
        var held = new HeldListWrites();
        var (store, index) = StoreOver(held, new IndexOptions { CatalogInterval = TimeSpan.Zero });
        var (article, source) = Parse(new ArticleText { IsPublished = true });
        var saved = await store.SaveUploadAsync(article, null, source, _ => Task.FromResult<string?>(null), default);
        Assert.False(saved.Indexed.IsCompleted);

        var stopping = index.DisposeAsync().AsTask(); // what the app's container does with its singletons on a stop
        Assert.False(stopping.IsCompleted);
        held.Release();
        await stopping;

        Assert.True(saved.Indexed.IsCompletedSuccessfully);
        Assert.NotEmpty(await EntriesOfAsync(article.Id));
        Assert.Empty(await PendingOfAsync(article.Id));

        // Once stopping, nothing more goes behind: an upload writes its own entries before it answers.
        var (late, lateSource) = Parse(new ArticleText { IsPublished = true });
        var afterStop = await store.SaveUploadAsync(late, null, lateSource, _ => Task.FromResult<string?>(null), default);
        Assert.True(afterStop.Indexed.IsCompletedSuccessfully);
        Assert.NotEmpty(await EntriesOfAsync(late.Id));
    }

    [Fact]
    public async Task ALaterUploadOfTheSameArticle_InTheSameSecond_WaitsForTheOneBehind_AndWinsAsItWouldHave()
    {
        var held = new HeldListWrites();
        var (store, _) = StoreOver(held, new IndexOptions { CatalogInterval = TimeSpan.Zero });
        var url = $"https://example.org/news/{Guid.NewGuid():N}";
        var (first, _) = Parse(new ArticleText { IsPublished = true, Url = url, Title = "First file" });
        var (second, _) = Parse(new ArticleText { IsPublished = true, Url = url, Title = "Second file" });
        var sameSecond = new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero); // both files' Last-Modified (whole seconds, as the header has them): one second, two blobs

        var behind = await store.SaveUploadAsync(first, null, new ArticleSource("first.txt", "\"0x1\"", sameSecond), _ => Task.FromResult<string?>(null), default);
        Assert.False(behind.Indexed.IsCompleted);
        var later = store.SaveUploadAsync(second, null, new ArticleSource("second.txt", "\"0x2\"", sameSecond), _ => Task.FromResult<string?>(null), default);
        held.Release();
        var saved = await later;
        await saved.Indexed;

        // Had it met the first save still under way, it would have yielded to it (Stale) as to a race it lost.
        Assert.Equal(SaveOutcome.Updated, saved.Outcome);
        Assert.Equal("Second file", (await Reader.GetAsync(first.Id, includeBody: false, default))!.Article.Title);
        Assert.All(await EntriesOfAsync(first.Id), e => Assert.Equal("Second file", e.GetString("Title")));
        Assert.Empty(await PendingOfAsync(first.Id));
    }

    private ArticleStore Reader => fixture.Services.GetRequiredService<ArticleStore>();

    private (ArticleStore Store, ArticleIndex Index) StoreOver(HeldListWrites held, IndexOptions options)
    {
        var clientOptions = new TableClientOptions();
        clientOptions.AddPolicy(held, HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString, clientOptions);
        var index = new ArticleIndex(tables, fixture.Clock, Options.Create(options));
        return (new ArticleStore(tables, index, fixture.Blobs, fixture.Clock, Options.Create(new RepairOptions()), NullLogger<ArticleStore>.Instance), index);
    }

    private static (Article Article, ArticleSource Source) Parse(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        var article = new FrontMatterParser(new FrontMatterLimits()).Parse(file.ToBytes(), name).Article!;
        return (article, new ArticleSource(name, $"\"0x{Guid.NewGuid():N}\"", DateTimeOffset.UtcNow));
    }

    private async Task<List<TableEntity>> EntriesOfAsync(string id) =>
        await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ArticleId eq {id}")).ToListAsync();

    private async Task<List<TableEntity>> PendingOfAsync(string id) =>
        await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending} and SavingArticle eq {id}")).ToListAsync();

    /// <summary>Holds every write to the index's lists (not the pending records) until released.</summary>
    private sealed class HeldListWrites(bool released = false) : HttpPipelinePolicy
    {
        private readonly TaskCompletionSource _release = NewRelease(released);
        public void Release() => _release.TrySetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (IndexRequests.IsListWrite(message))
            {
                await _release.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The store is asynchronous.");

        private static TaskCompletionSource NewRelease(bool released)
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (released)
            {
                release.SetResult();
            }

            return release;
        }
    }
}
