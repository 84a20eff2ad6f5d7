using System.Text;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using ContentPipeline.Articles;
using ContentPipeline.Functions;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>The ingest function, run as the host runs it (the function class from DI, a bound BlobClient), against Azurite.</summary>
public sealed class IngestArticleTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private ArticleStore Store => fixture.Services.GetRequiredService<ArticleStore>();

    [Fact]
    public async Task NewFile_StoresEveryFieldOfTheSeed()
    {
        var seed = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "seeds", "000_043b1fd4fbc56517.txt"));
        var name = $"{Guid.NewGuid():N}/000_043b1fd4fbc56517.txt";
        await UploadAsync(name, seed);

        await RunIngestAsync(name);

        var id = ArticleId.FromUrl(new Uri("https://eandt.theiet.org/content/articles/2022/11/italy-bans-the-use-of-facial-recognition-technology/"));
        var stored = await Store.GetAsync(id, includeBody: true, CancellationToken.None);
        Assert.NotNull(stored);
        var a = stored.Article;
        Assert.Equal("Italy bans the use of facial-recognition technology", a.Title);
        Assert.Equal(new DateTimeOffset(2022, 11, 15, 17, 36, 0, TimeSpan.Zero), a.PublishedDateTime);
        Assert.Equal(24, a.Quality);
        Assert.Equal(-1, a.Heat);
        Assert.False(a.Published);
        Assert.Equal(["Computer Vision", "AI"], a.Topics);
        Assert.Equal("theiet.org", a.Provider?.Domain);
        Assert.Equal(450, Assert.Single(a.Images).Height);
        Assert.Equal("thenextweb.com", Assert.Single(a.Related).Provider?.Domain);
        Assert.EndsWith(";5BUeE5K4ihHGe2oM3mu7JQ==", a.Secured);
        Assert.Equal(name, stored.Source.BlobName);
        Assert.Equal(1, stored.Version);
        Assert.Equal(PublishStateSource.Upload, stored.PublishedSetBy);
        Assert.Equal(fixture.Clock.GetUtcNow(), stored.CreatedAt);

        // A draft is listed for editors only.
        var entries = await IndexEntriesOfAsync(id);
        var entry = Assert.Single(entries);
        Assert.Equal(IndexPartitions.Drafts, entry.PartitionKey);
        Assert.Equal("Italy bans the use of facial-recognition technology", entry.GetString("Title"));
        Assert.Null(entry.GetString("Secured"));
    }

    [Fact]
    public async Task PublishedFile_IsListedInEveryPublishedIndex()
    {
        var file = new ArticleText { IsPublished = true, Category = "Science", Topics = ["AI", "Computer Vision"], ProviderDomain = "example.org" };
        var name = await UploadAsync(file);

        await RunIngestAsync(name);

        var id = IdOf(file);
        var partitions = (await IndexEntriesOfAsync(id)).Select(e => e.PartitionKey).Order(StringComparer.Ordinal);
        Assert.Equal(
            ["published", "published|category|science", "published|provider|example-org", "published|topic|ai", "published|topic|computer-vision"],
            partitions);
    }

    [Fact]
    public async Task SameFileDeliveredAgain_WritesNothing()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);
        await RunIngestAsync(name);
        var before = await RawArticleAsync(IdOf(file));
        var indexBefore = await IndexEntriesOfAsync(IdOf(file));

        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        await RunIngestAsync(name);
        await UploadAsync(name, file.ToBytes()); // the same bytes uploaded again: a new blob ETag, the same article
        await RunIngestAsync(name);

        var after = await RawArticleAsync(IdOf(file));
        Assert.Equal(before.ETag, after.ETag);
        Assert.Equal(1, after.GetInt64("Version"));
        var indexAfter = await IndexEntriesOfAsync(IdOf(file));
        Assert.Equal(indexBefore.Select(e => (e.PartitionKey, e.ETag)), indexAfter.Select(e => (e.PartitionKey, e.ETag)));
    }

    [Fact]
    public async Task ChangedFile_UpdatesArticleAndMovesItsIndexEntries()
    {
        var file = new ArticleText { IsPublished = true, Category = "news", Topics = ["AI"] };
        var name = await UploadAsync(file);
        await RunIngestAsync(name);

        var changed = file with { Title = "A corrected headline", Category = "business", Topics = ["Energy"], Published = file.Published.AddHours(1) };
        await UploadAsync(name, changed.ToBytes());
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await RunIngestAsync(name);

        var stored = await Store.GetAsync(IdOf(file), includeBody: false, CancellationToken.None);
        Assert.Equal("A corrected headline", stored!.Article.Title);
        Assert.Equal(2, stored.Version);
        Assert.Equal(fixture.Clock.GetUtcNow(), stored.UpdatedAt);
        var entries = await IndexEntriesOfAsync(IdOf(file));
        Assert.Equal(
            ["published", "published|category|business", "published|provider|example-org", "published|topic|energy"],
            entries.Select(e => e.PartitionKey).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal("A corrected headline", e.GetString("Title")));
        Assert.All(entries, e => Assert.Equal(IndexPartitions.RowKey(changed.Published, IdOf(file)), e.RowKey));
        Assert.True((await RawArticleAsync(IdOf(file))).GetBoolean("IndexSynced"));
    }

    [Fact]
    public async Task SameArticleUnderAnotherFileName_KeepsOneArticleAndRecordsTheNewSource()
    {
        var file = new ArticleText { IsPublished = true };
        var first = await UploadAsync(file);
        await RunIngestAsync(first);
        var second = await UploadAsync(file);
        await RunIngestAsync(second);

        var stored = await Store.GetAsync(IdOf(file), includeBody: false, CancellationToken.None);
        Assert.Equal(second, stored!.Source.BlobName);
        var articlesWithUrl = await fixture.ArticlesTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"WebUrl eq {file.Url}")).ToListAsync();
        Assert.Single(articlesWithUrl);
        Assert.Equal(5, (await IndexEntriesOfAsync(IdOf(file))).Count); // published, category, provider, two topics
    }

    [Fact]
    public async Task OlderDeliveryAfterNewerOne_DoesNotRollBack()
    {
        var file = new ArticleText { Title = "Old title" };
        var oldName = await UploadAsync(file);
        var oldModified = (await fixture.Incoming.GetBlobClient(oldName).GetPropertiesAsync()).Value.LastModified;
        await StorageClock.WaitPastAsync(fixture.Incoming, oldModified); // Last-Modified has one-second resolution: the next upload is a second later
        var newName = await UploadAsync(file with { Title = "New title" });

        await RunIngestAsync(newName);
        await RunIngestAsync(oldName); // Event Grid may deliver out of order

        var stored = await Store.GetAsync(IdOf(file), includeBody: false, CancellationToken.None);
        Assert.Equal("New title", stored!.Article.Title);
        Assert.Equal(newName, stored.Source.BlobName);
    }

    [Fact]
    public async Task MalformedFile_IsMovedToRejectedWithItsReason()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        var bytes = Encoding.UTF8.GetBytes("---\ntitle: \"A headline\"\ncategory: news\nquality: high\n---\n");
        await UploadAsync(name, bytes);

        await RunIngestAsync(name);

        Assert.False(await fixture.Incoming.GetBlobClient(name).ExistsAsync());
        var kept = await fixture.Rejected.GetBlobClient($"files/{name}").DownloadContentAsync();
        Assert.Equal(bytes, kept.Value.Content.ToArray());
        var reasonBlob = await fixture.Rejected.GetBlobClient($"reasons/{name}.json").DownloadContentAsync();
        Assert.Equal("application/json", reasonBlob.Value.Details.ContentType);
        using var reason = JsonDocument.Parse(reasonBlob.Value.Content.ToString());
        Assert.Equal(name, reason.RootElement.GetProperty("blobName").GetString());
        var problems = reason.RootElement.GetProperty("problems").EnumerateArray().ToList();
        var quality = problems.Single(p => p.GetProperty("code").GetString() == "wrong-type");
        Assert.Equal(name, quality.GetProperty("file").GetString());
        Assert.Equal(4, quality.GetProperty("line").GetInt32());
        Assert.Equal(10, quality.GetProperty("column").GetInt32());
        Assert.Contains("quality", quality.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(problems, p => p.GetProperty("code").GetString() == "missing-field" && p.GetProperty("message").GetString()!.Contains("webUrl", StringComparison.Ordinal));

        // A second delivery of the same event finds nothing left to do, and loses nothing.
        await RunIngestAsync(name);
        Assert.True(await fixture.Rejected.GetBlobClient($"files/{name}").ExistsAsync());
    }

    [Fact]
    public async Task TooLargeForTheTable_BodyMovesToBlobStorageAndReadsBack()
    {
        var body = string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, é ü 😀 consectetur.\n", 12_000)); // ~600 K chars: 1.2 MB as UTF-16
        var file = new ArticleText { Body = body };
        var name = await UploadAsync(file);

        await RunIngestAsync(name);

        var raw = await RawArticleAsync(IdOf(file));
        Assert.Null(raw.GetString("Body"));
        var bodyBlob = raw.GetString("BodyBlob");
        Assert.NotNull(bodyBlob);
        Assert.True(await fixture.Blobs.GetBlobContainerClient(StorageNames.BodiesContainer).GetBlobClient(bodyBlob).ExistsAsync());
        var stored = await Store.GetAsync(IdOf(file), includeBody: true, CancellationToken.None);
        Assert.Equal(body, stored!.Article.Body);
        Assert.StartsWith("<p>Lorem ipsum dolor sit amet, é ü 😀 consectetur.", stored.Html, StringComparison.Ordinal);
        Assert.True(await fixture.Blobs.GetBlobContainerClient(StorageNames.BodiesContainer).GetBlobClient(Path.ChangeExtension(bodyBlob, ".html")).ExistsAsync());

        // An editor's toggle rewrites the entity and must keep the body.
        await Store.SetPublishedAsync(IdOf(file), true, null, CancellationToken.None);
        Assert.Equal(body, (await Store.GetAsync(IdOf(file), includeBody: true, CancellationToken.None))!.Article.Body);
    }

    [Fact]
    public async Task LongBodyThatFits_IsChunkedInTheEntityAndReadsBack()
    {
        var body = string.Concat(Enumerable.Repeat("😀 A line of the body, long enough to cross a property boundary.\n", 1_200)); // ~80 K chars
        var file = new ArticleText { Body = body };
        var name = await UploadAsync(file);

        await RunIngestAsync(name);

        var raw = await RawArticleAsync(IdOf(file));
        Assert.Null(raw.GetString("BodyBlob"));
        Assert.True(raw.GetInt32("Body_Chunks") >= 3);
        Assert.All(raw.Keys.Where(k => k.StartsWith("Body", StringComparison.Ordinal) && raw[k] is string), k => Assert.True(((string)raw[k]).Length <= 32_000));
        Assert.Equal(body, (await Store.GetAsync(IdOf(file), includeBody: true, CancellationToken.None))!.Article.Body);
    }

    [Fact]
    public async Task EmptyFile_IsRejectedAsHavingNoFrontMatter()
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await UploadAsync(name, []);

        await RunIngestAsync(name);

        var reason = await fixture.Rejected.GetBlobClient($"reasons/{name}.json").DownloadContentAsync();
        Assert.Contains("no-front-matter", reason.Value.Content.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, (await fixture.Rejected.GetBlobClient($"files/{name}").GetPropertiesAsync()).Value.ContentLength);
    }

    [Fact]
    public async Task DeletedBeforeDelivery_IsSkippedWithoutError()
    {
        var name = $"{Guid.NewGuid():N}.txt";

        await RunIngestAsync(name);

        Assert.False(await fixture.Rejected.GetBlobClient($"files/{name}").ExistsAsync());
    }

    [Fact]
    public async Task ConcurrentDeliveriesOfOneBlob_ConvergeToOneArticle()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => RunIngestAsync(name)));

        var raw = await RawArticleAsync(IdOf(file));
        Assert.Equal(1, raw.GetInt64("Version"));
        Assert.True(raw.GetBoolean("IndexSynced"));
        Assert.Equal(5, (await IndexEntriesOfAsync(IdOf(file))).Count); // published, category, provider, two topics
    }

    [Fact]
    public async Task ConcurrentDifferentVersionsOfOneArticle_LeaveTheIndexMatchingTheWinner()
    {
        var file = new ArticleText { IsPublished = true };
        var versions = Enumerable.Range(0, 6)
            .Select(i => file with { Category = $"cat{i}", Topics = [$"topic{i}"], Published = file.Published.AddMinutes(i) })
            .ToList();
        var names = new List<string>();
        foreach (var version in versions)
        {
            names.Add(await UploadAsync(version));
        }

        await Task.WhenAll(names.Select(RunIngestAsync));

        var stored = await Store.GetAsync(IdOf(file), includeBody: false, CancellationToken.None);
        var entries = await IndexEntriesOfAsync(IdOf(file));
        var winner = stored!.Article;
        Assert.Equal(
            new[] { "published", $"published|category|{winner.Category}", "published|provider|example-org", $"published|topic|{winner.Topics[0]}" }.Order(StringComparer.Ordinal),
            entries.Select(e => e.PartitionKey).Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.Equal(IndexPartitions.RowKey(winner.PublishedDateTime, winner.Id), e.RowKey));
        Assert.All(entries, e => Assert.Equal(winner.Category, e.GetString("Category")));
        Assert.True((await RawArticleAsync(IdOf(file))).GetBoolean("IndexSynced"));
    }

    [Fact]
    public async Task EditorsPublishState_SurvivesReupload()
    {
        var file = new ArticleText { IsPublished = false };
        var name = await UploadAsync(file);
        await RunIngestAsync(name);
        await Store.SetPublishedAsync(IdOf(file), true, versionMatches: null, CancellationToken.None);

        await UploadAsync(name, (file with { Title = "Retitled, still published: false in the file" }).ToBytes());
        await RunIngestAsync(name);

        var stored = await Store.GetAsync(IdOf(file), includeBody: false, CancellationToken.None);
        Assert.True(stored!.Article.Published);
        Assert.Equal(PublishStateSource.Editor, stored.PublishedSetBy);
        Assert.Equal("Retitled, still published: false in the file", stored.Article.Title);
        Assert.Contains(await IndexEntriesOfAsync(IdOf(file)), e => e.PartitionKey == IndexPartitions.Published);
    }

    [Fact]
    public async Task InterruptedIndexUpdate_IsMendedByTheNextDelivery()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);
        await IngestInterruptedAsync(name);
        Assert.Empty(await IndexEntriesOfAsync(IdOf(file)));

        await RunIngestAsync(name); // Event Grid redelivers the same event

        Assert.Equal(5, (await IndexEntriesOfAsync(IdOf(file))).Count); // published, category, provider, two topics
        Assert.True((await RawArticleAsync(IdOf(file))).GetBoolean("IndexSynced"));
    }

    [Fact]
    public async Task InterruptedIndexUpdate_IsMendedByRepair_WhichRemovesTheRecordOnceNoSaveCanStillBeUnderWay()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);
        await IngestInterruptedAsync(name);
        Assert.Single(await PendingOfAsync(IdOf(file)));

        var mended = await Store.RepairAsync(includeRecent: true, CancellationToken.None); // an operator's run

        Assert.True(mended >= 1);
        Assert.Equal(5, (await IndexEntriesOfAsync(IdOf(file))).Count); // published, category, provider, two topics
        Assert.True((await RawArticleAsync(IdOf(file))).GetBoolean("IndexSynced"));
        Assert.Single(await PendingOfAsync(IdOf(file))); // young: it might belong to a save still under way

        fixture.Clock.Advance(new RepairOptions().MinAge);
        await Store.RepairAsync(includeRecent: false, CancellationToken.None);
        Assert.Empty(await PendingOfAsync(IdOf(file)));
    }

    [Fact]
    public async Task AReuploadThatMovesAnArticle_RecordsEveryListItTouches_SoRepairCanRewriteTheirCatalogRows()
    {
        var (before, after) = ($"before-{Guid.NewGuid():N}"[..15], $"after-{Guid.NewGuid():N}"[..14]);
        var file = new ArticleText { IsPublished = true, Category = before };
        var name = await UploadAsync(file);
        await RunIngestAsync(name);
        var first = (await fixture.Incoming.GetBlobClient(name).GetPropertiesAsync()).Value.LastModified;
        await Wait.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > first.AddSeconds(1.1)), "Last-Modified can tell the versions apart (one-second resolution)");
        await UploadAsync(name, (file with { Category = after }).ToBytes());

        await IngestInterruptedAsync(name); // an insert-first round (no stale keys known), then the real one

        var lists = Assert.Single(await PendingOfAsync(IdOf(file))).GetString("Lists").Split('\n');
        Assert.Contains(IndexPartitions.Of(new ArticleFilter(ArticleFilterKind.Category, before)), lists); // the list it left
        Assert.Contains(IndexPartitions.Of(new ArticleFilter(ArticleFilterKind.Category, after)), lists);
        Assert.Contains(IndexPartitions.Published, lists);
    }

    [Fact]
    public async Task TheRepairTimer_LeavesSavesThatMayStillBeRunning_AndMendsTheOnesOlderThanTheMinimumAge()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);
        await IngestInterruptedAsync(name);

        await Store.RepairAsync(includeRecent: false, CancellationToken.None);
        Assert.Empty(await IndexEntriesOfAsync(IdOf(file)));
        Assert.Single(await PendingOfAsync(IdOf(file)));

        fixture.Clock.Advance(new RepairOptions().MinAge);
        var mended = await Store.RepairAsync(includeRecent: false, CancellationToken.None);

        Assert.True(mended >= 1);
        Assert.Equal(5, (await IndexEntriesOfAsync(IdOf(file))).Count);
        Assert.True((await RawArticleAsync(IdOf(file))).GetBoolean("IndexSynced"));
        Assert.Empty(await PendingOfAsync(IdOf(file)));
    }

    [Fact]
    public async Task Repair_ReadsThePendingRecords_NeverTheArticlesTableAsAWhole()
    {
        for (var i = 0; i < 20; i++)
        {
            await RunIngestAsync(await UploadAsync(new ArticleText { IsPublished = true }));
        }

        var requests = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var options = new TableClientOptions();
        options.AddPolicy(new RecordPaths(requests), Azure.Core.HttpPipelinePosition.PerCall);
        var tables = new TableServiceClient(fixture.Azurite.ConnectionString, options);
        var store = new ArticleStore(tables, new ArticleIndex(tables, fixture.Clock, Microsoft.Extensions.Options.Options.Create(new IndexOptions { CatalogInterval = TimeSpan.Zero })), fixture.Blobs, fixture.Clock, Microsoft.Extensions.Options.Options.Create(new RepairOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<ArticleStore>.Instance);

        await store.RepairAsync(includeRecent: true, CancellationToken.None);

        Assert.Contains($"GET devstoreaccount1/{StorageNames.IndexTable}()", requests); // the query of the pending partition
        Assert.DoesNotContain($"GET devstoreaccount1/{StorageNames.ArticlesTable}()", requests); // and none of the articles
    }

    [Fact]
    public async Task ASaveThatFinishes_LeavesNoPendingRecord()
    {
        var file = new ArticleText { IsPublished = true };
        var name = await UploadAsync(file);

        await RunIngestAsync(name);
        await Store.SetPublishedAsync(IdOf(file), false, null, CancellationToken.None);

        Assert.Empty(await PendingOfAsync(IdOf(file)));
    }

    /// <summary>Ingests a file with a save cut short after the article's commit, as a crash would.</summary>
    private async Task IngestInterruptedAsync(string name)
    {
        var blob = fixture.Incoming.GetBlobClient(name);
        var download = (await blob.DownloadContentAsync()).Value;
        var article = new Parsing.FrontMatterParser(new Parsing.FrontMatterLimits()).Parse(download.Content.ToArray(), name).Article!;
        var source = new ArticleSource(name, download.Details.ETag.ToString(), download.Details.LastModified);
        await InterruptedSaves.RunAsync(fixture, store => store.SaveUploadAsync(article, new Rendering.ArticleHtmlRenderer().Render(article.Body), source, _ => Task.FromResult<string?>(null), CancellationToken.None));
    }

    private async Task<List<TableEntity>> PendingOfAsync(string id) =>
        await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {IndexPartitions.Pending} and SavingArticle eq {id}")).ToListAsync();

    private sealed class RecordPaths(System.Collections.Concurrent.ConcurrentQueue<string> requests) : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        public override ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            requests.Enqueue($"{message.Request.Method} {message.Request.Uri.Path}");
            return ProcessNextAsync(message, pipeline);
        }

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) => throw new NotSupportedException();
    }

    private static string IdOf(ArticleText file) => ArticleId.FromUrl(new Uri(file.Url));

    private async Task RunIngestAsync(string blobName)
    {
        var function = ActivatorUtilities.CreateInstance<IngestArticle>(fixture.Services);
        await function.RunAsync(fixture.Incoming.GetBlobClient(blobName), blobName, CancellationToken.None);
        await fixture.Services.IndexSettledAsync();
    }

    private async Task<string> UploadAsync(ArticleText file)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await UploadAsync(name, file.ToBytes());
        return name;
    }

    private async Task UploadAsync(string name, byte[] bytes) =>
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(bytes), overwrite: true);

    private async Task<TableEntity> RawArticleAsync(string id) =>
        (await fixture.ArticlesTable.GetEntityAsync<TableEntity>(id, StorageNames.ArticleRowKey)).Value;

    private async Task<List<TableEntity>> IndexEntriesOfAsync(string id) =>
        await fixture.IndexTable.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"ArticleId eq {id}")).ToListAsync();
}
