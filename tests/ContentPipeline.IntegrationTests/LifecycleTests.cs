using System.Text.Json;
using ContentPipeline.Feeds;
using ContentPipeline.Functions;
using ContentPipeline.Functions.Articles;
using ContentPipeline.Functions.Events;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// An article's life by the clock and by editors' and uploaders' acts, through the functions' classes against Azurite:
/// embargoes and expiry (with a clock the test moves), scheduled publishing, takedowns, deleted files. This class has
/// its own fixture, so its clock moves for it alone, and only forward.
/// </summary>
public sealed class LifecycleTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    private IServiceProvider Services => fixture.Services;

    private ApiCalls Api => new(Services);

    private DateTimeOffset Now => fixture.Clock.GetUtcNow();

    [Fact]
    public async Task AnEmbargoedArticle_IsHiddenUntilPublishAt_EvenBeforeTheTimerRuns_ThenListedAndInTheFeeds()
    {
        var file = new ArticleText { IsPublished = true, Category = Unique("embargo"), PublishAt = Now.AddHours(1) };
        var (id, _) = await IngestAsync(file);

        Assert.Equal(404, (await GetAsync(id)).Status);
        Assert.Equal("scheduled", (await EditorGetAsync(id)).Json.GetProperty("state").GetString());
        Assert.Contains(id, Ids(await EditorListAsync("status=scheduled&limit=100")));
        Assert.DoesNotContain(id, Ids(await ListAsync($"category={file.Category}")));
        var scheduled = (await EditorListAsync("status=scheduled&limit=100")).Json.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetString() == id);
        Assert.Equal(file.PublishAt, scheduled.GetProperty("publishAt").GetDateTimeOffset());

        fixture.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal(200, (await GetAsync(id)).Status); // the lookup reads the clock; the timer has not run
        await RunTransitionsAsync();
        Assert.Contains(id, Ids(await ListAsync($"category={file.Category}")));
        Assert.DoesNotContain(id, Ids(await EditorListAsync("status=scheduled&limit=100")));
        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        Assert.Contains(id, await FeedAsync(file.Category), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADueEntryNoArticleClaims_IsRemovedByTheTimer_SoItIsNotReadAgain()
    {
        var orphan = IndexPartitions.DueKey(Now.AddMinutes(-1), "0123456789abcdef0123");
        await fixture.IndexTable.UpsertEntityAsync(new Azure.Data.Tables.TableEntity(orphan.PartitionKey, orphan.RowKey) { ["ArticleId"] = "0123456789abcdef0123" });

        await RunTransitionsAsync();

        Assert.False((await fixture.IndexTable.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(orphan.PartitionKey, orphan.RowKey)).HasValue);
    }

    [Fact]
    public async Task AnExpiredArticle_DisappearsAtExpiresAt_EvenBeforeTheTimerRuns_ThenLeavesTheFeeds()
    {
        var file = new ArticleText { IsPublished = true, Category = Unique("expiry"), ExpiresAt = Now.AddMinutes(30) };
        var (id, _) = await IngestAsync(file);
        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        Assert.Contains(id, await FeedAsync(file.Category), StringComparison.Ordinal);
        Assert.Contains(id, Ids(await ListAsync($"category={file.Category}")));

        fixture.Clock.Advance(TimeSpan.FromMinutes(30));

        Assert.Equal(404, (await GetAsync(id)).Status);
        Assert.DoesNotContain(id, Ids(await ListAsync($"category={file.Category}"))); // filtered by the clock before the timer moves it
        await RunTransitionsAsync();
        Assert.Contains(id, Ids(await EditorListAsync("status=expired&limit=100")));
        Assert.Equal("expired", (await EditorGetAsync(id)).Json.GetProperty("state").GetString());
        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        Assert.DoesNotContain(id, await FeedAsync(file.Category), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAt_SchedulesADraft_AndAPastTimePublishesNow_AndABadTimeIs400NamingIt()
    {
        var (id, _) = await IngestAsync(new ArticleText { IsPublished = false });
        var at = Now.AddHours(2);

        var bad = await PublishAsync(id, "tomorrow");
        var scheduled = await PublishAsync(id, at.ToString("O"));
        var again = await PublishAsync(id, at.ToString("O"));

        Assert.Equal(400, bad.Status);
        Assert.Equal("at", bad.Json.GetProperty("parameter").GetString());
        Assert.Equal("scheduled", scheduled.Json.GetProperty("state").GetString());
        Assert.Equal(at, scheduled.Json.GetProperty("publishAt").GetDateTimeOffset());
        Assert.False(again.Json.GetProperty("changed").GetBoolean());
        Assert.Equal(404, (await GetAsync(id)).Status);

        var now = await PublishAsync(id, Now.AddMinutes(-1).ToString("O"));
        Assert.Equal("published", now.Json.GetProperty("state").GetString());
        Assert.Equal(200, (await GetAsync(id)).Status);
    }

    [Fact]
    public async Task ATakedown_RemovesTheBodyAndItsBlobs_KeepsItDownThroughReuploadsAndEvents_UntilARestore()
    {
        var body = new string('x', 400_000) + "\n"; // too big for the entity: the body lives in blob storage
        var file = new ArticleText { IsPublished = true, Category = Unique("takedown"), Body = body };
        var (id, name) = await IngestAsync(file);
        Assert.NotEmpty(await BodyBlobsAsync(id));
        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        var etag = (await EditorGetAsync(id)).ETag!;

        var stale = await TakeDownAsync(id, "\"999\"");
        var down = await TakeDownAsync(id, etag, reason: "Legal");

        Assert.Equal(412, stale.Status);
        Assert.Equal(200, down.Status);
        Assert.Equal("taken-down", down.Json.GetProperty("state").GetString());
        Assert.Equal("Legal", down.Json.GetProperty("takedown").GetProperty("reason").GetString());
        Assert.Empty(await BodyBlobsAsync(id));
        Assert.Equal(404, (await GetAsync(id)).Status);
        Assert.Contains(id, Ids(await EditorListAsync("status=taken-down&limit=100")));
        Assert.DoesNotContain(id, Ids(await EditorListAsync("status=published&limit=100")));
        await Services.GetRequiredService<FeedPublisher>().PublishAsync(default);
        Assert.DoesNotContain(id, await FeedAsync(file.Category), StringComparison.Ordinal);

        // Nothing that arrives brings it back: the same file again, a changed upload, its deletion, an editor's publish.
        var rerun = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes((file with { Body = "New.\n" }).ToBytes()), overwrite: true);
        var reupload = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        var publish = await PublishAsync(id, at: null);
        Assert.Equal(IngestOutcome.TakenDown, rerun.Outcome);
        Assert.Equal(IngestOutcome.TakenDown, reupload.Outcome);
        Assert.Equal(409, publish.Status);
        Assert.Equal("taken-down", (await EditorGetAsync(id)).Json.GetProperty("state").GetString());

        var restored = await RestoreAsync(id);
        Assert.Equal(200, restored.Status);
        Assert.Equal("published", restored.Json.GetProperty("state").GetString());
        Assert.Equal("New.\n", (await GetAsync(id)).Json.GetProperty("body").GetString());
        Assert.False((await RestoreAsync(id)).Json.GetProperty("changed").GetBoolean());
    }

    [Fact]
    public async Task ADeletedFile_RemovesItsArticle_OnlyWhenItIsTheCurrentSource_AndNeverWhenThePipelineMovedIt()
    {
        var file = new ArticleText { IsPublished = true };
        var (id, first) = await IngestAsync(file);
        var deletions = Services.GetRequiredService<DeletedFileHandler>();

        // A second file carries the same article, uploaded later: it is the current source now.
        var second = $"{Guid.NewGuid():N}.txt";
        fixture.Clock.Advance(TimeSpan.FromSeconds(2));
        await fixture.Incoming.GetBlobClient(second).UploadAsync(BinaryData.FromBytes((file with { Body = "Later.\n" }).ToBytes()));
        await Services.GetRequiredService<IngestService>().IngestInStepAsync(second);
        await fixture.Incoming.GetBlobClient(first).DeleteAsync();
        Assert.Equal(DeletionOutcome.NotCurrentSource, await deletions.HandleAsync(StorageNames.IncomingContainer, first, default));
        Assert.Equal(200, (await GetAsync(id)).Status);

        // A malformed upload of the current source is moved to rejected: that deletion is the pipeline's, not the user's.
        await fixture.Incoming.GetBlobClient(second).UploadAsync(BinaryData.FromString("---\ntitle: [unclosed\n---\n"), overwrite: true);
        Assert.Equal(IngestOutcome.Rejected, (await Services.GetRequiredService<IngestService>().IngestInStepAsync(second)).Outcome);
        Assert.Equal(DeletionOutcome.NoArticle, await deletions.HandleAsync(StorageNames.IncomingContainer, second, default));
        Assert.Equal(200, (await GetAsync(id)).Status);

        // A user's deletion of the current source removes it, once; a late duplicate changes nothing.
        var (other, otherName) = await IngestAsync(new ArticleText { IsPublished = true });
        var version = (await EditorGetAsync(other)).Json.GetProperty("version").GetInt64();
        await fixture.Incoming.GetBlobClient(otherName).DeleteAsync();
        await new RemoveDeletedArticle(deletions, Microsoft.Extensions.Logging.Abstractions.NullLogger<RemoveDeletedArticle>.Instance)
            .RunAsync(BlobDeleted(otherName), default);
        Assert.Equal(404, (await EditorGetAsync(other)).Status);
        Assert.Equal(DeletionOutcome.NotCurrentSource, await deletions.HandleAsync(StorageNames.IncomingContainer, otherName, default));
        Assert.DoesNotContain(other, Ids(await EditorListAsync("status=all&limit=100")));

        // Uploaded again, it comes back with a newer version than it ever had.
        var (back, _) = await IngestAsync(new ArticleText { IsPublished = true, Url = ArticleUrl(other) }, expect: IngestOutcome.Created);
        Assert.Equal(other, back);
        Assert.True((await EditorGetAsync(other)).Json.GetProperty("version").GetInt64() > version + 1);
    }

    [Fact]
    public async Task AnIngestOfTheDeletedVersion_StillUnderWayWhenTheDeletionIsHandled_DoesNotBringTheArticleBack()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = (await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()))).Value;
        var id = (await Services.GetRequiredService<IngestService>().IngestInStepAsync(name)).ArticleId!;
        var parsed = Services.GetRequiredService<ContentPipeline.Parsing.FrontMatterParser>().Parse(file.ToBytes(), name).Article!;
        await fixture.Incoming.GetBlobClient(name).DeleteAsync();
        Assert.Equal(DeletionOutcome.Removed, await Services.GetRequiredService<DeletedFileHandler>().HandleAsync(StorageNames.IncomingContainer, name, default));

        // The slow delivery of the version that was deleted now reaches the store.
        var late = await Services.GetRequiredService<ArticleStore>().SaveUploadAsync(
            parsed, html: null, new ArticleSource(name, uploaded.ETag.ToString(), uploaded.LastModified), _ => Task.FromResult<string?>(null), default);

        Assert.Equal(SaveOutcome.Stale, late.Outcome);
        Assert.Equal(404, (await EditorGetAsync(id)).Status);
    }

    [Fact]
    public async Task ARestore_KeepsAnEditorsPublishState_AndAScheduleAfterTheExpiry_IsRefused()
    {
        var file = new ArticleText { IsPublished = true, ExpiresAt = Now.AddDays(1) };
        var (id, _) = await IngestAsync(file);
        var unpublish = await CallAsync(HttpCall.Create(Services, "POST", $"/api/articles/{id}/unpublish"), (PublishArticle f, HttpRequest r) => f.UnpublishArticle(r, id, default));
        Assert.Equal("draft", unpublish.Json.GetProperty("state").GetString());

        var late = await PublishAsync(id, Now.AddDays(2).ToString("O"));
        await TakeDownAsync(id, (await EditorGetAsync(id)).ETag!);
        var restored = await RestoreAsync(id);

        Assert.Equal(409, late.Status);
        Assert.Contains("expires", late.Json.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("draft", restored.Json.GetProperty("state").GetString()); // the file says published: the editor said no
        Assert.Equal(404, (await GetAsync(id)).Status);
    }

    [Fact]
    public async Task ADeletionEvent_ForAnotherContainer_OrAnUnsafeName_ChangesNothing()
    {
        var (id, name) = await IngestAsync(new ArticleText { IsPublished = true });
        var deletions = Services.GetRequiredService<DeletedFileHandler>();

        Assert.Equal(DeletionOutcome.Ignored, await deletions.HandleAsync(StorageNames.FeedsContainer, name, default));
        Assert.Equal(DeletionOutcome.Ignored, await deletions.HandleAsync(StorageNames.IncomingContainer, $"x/../{name}", default));
        Assert.Equal(DeletionOutcome.FileExists, await deletions.HandleAsync(StorageNames.IncomingContainer, name, default));
        Assert.Equal(200, (await GetAsync(id)).Status);
    }

    private static string BlobDeleted(string name) => JsonSerializer.Serialize(new
    {
        id = Guid.NewGuid().ToString(),
        eventType = "Microsoft.Storage.BlobDeleted",
        subject = $"/blobServices/default/containers/incoming/blobs/{name}",
        data = new { api = "DeleteBlob", url = $"http://127.0.0.1:10000/devstoreaccount1/incoming/{name}" },
    });

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Urls = new();

    private static string ArticleUrl(string id) => Urls[id];

    private async Task<(string Id, string Name)> IngestAsync(ArticleText file, IngestOutcome expect = IngestOutcome.Created)
    {
        var name = $"{Guid.NewGuid():N}.txt";
        await fixture.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var result = await Services.GetRequiredService<IngestService>().IngestInStepAsync(name);
        Assert.True(result.Outcome == expect, $"{result.Outcome}: {string.Join("; ", result.Problems)}");
        Urls[result.ArticleId!] = file.Url;
        return (result.ArticleId!, name);
    }

    private async Task RunTransitionsAsync() =>
        await ActivatorUtilities.CreateInstance<ApplyScheduledTransitions>(Services).RunAsync(null!, default);

    private async Task<string> FeedAsync(string category)
    {
        var feed = fixture.Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient($"category/{category}.json");
        return (await feed.ExistsAsync()).Value ? (await feed.DownloadContentAsync()).Value.Content.ToString() : string.Empty;
    }

    private async Task<List<string>> BodyBlobsAsync(string id) =>
        [.. (await fixture.Blobs.GetBlobContainerClient(StorageNames.BodiesContainer).GetBlobsAsync(Azure.Storage.Blobs.Models.BlobTraits.None, Azure.Storage.Blobs.Models.BlobStates.None, $"{id}/", default).ToListAsync()).Select(b => b.Name)];

    private static List<string?> Ids(HttpReply list) =>
        [.. list.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString())];

    private Task<HttpReply> GetAsync(string id) => Api.GetAsync(id);

    private Task<HttpReply> EditorGetAsync(string id) => Api.EditorGetAsync(id);

    private Task<HttpReply> ListAsync(string query) => Api.ListAsync(query);

    private Task<HttpReply> EditorListAsync(string query) => Api.EditorListAsync(query);

    private Task<HttpReply> PublishAsync(string id, string? at) =>
        CallAsync(
            HttpCall.Create(Services, "POST", $"/api/articles/{id}/publish", at is null ? null : $"at={Uri.EscapeDataString(at)}"),
            (PublishArticle f, HttpRequest r) => f.RunAsync(r, id, default));

    private Task<HttpReply> TakeDownAsync(string id, string ifMatch, string? reason = null)
    {
        var call = HttpCall.Create(Services, "DELETE", $"/api/articles/{id}", reason is null ? null : $"reason={Uri.EscapeDataString(reason)}")
            .WithHeader("If-Match", ifMatch)
            .WithHeader("x-functions-key", "an-editors-key");
        return CallAsync(call, (TakeDownArticle f, HttpRequest r) => f.RunAsync(r, id, default));
    }

    private Task<HttpReply> RestoreAsync(string id) =>
        CallAsync(HttpCall.Create(Services, "POST", $"/api/articles/{id}/restore"), (TakeDownArticle f, HttpRequest r) => f.RestoreArticle(r, id, default));

    private Task<HttpReply> CallAsync<TFunction>(HttpCall call, Func<TFunction, HttpRequest, Task<IResult>> invoke) => Api.CallAsync(call, invoke);
}
