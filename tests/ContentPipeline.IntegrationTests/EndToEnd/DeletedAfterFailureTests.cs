using System.Net;
using System.Net.Http.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The outage fixture with re-drives an hour away: a poisoned version is recorded as failed and then left alone, so a
/// deletion meets the failure record itself.
/// </summary>
public sealed class LateRedriveOutageFixture : OutageFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings.Where(s => s.Key != "Values:Redrive__Backoff"),
        new("Values:Redrive__Backoff", "01:00:00"),
        new("Logging:LogLevel:ContentPipeline.Ingest.DeletedFileHandler", "Information"),
    ];
}

/// <summary>A file whose latest version failed is still its article's source: deleting it removes the article.</summary>
public sealed class DeletedAfterFailureTests(LateRedriveOutageFixture host) : IClassFixture<LateRedriveOutageFixture>
{
    [Fact]
    public async Task AFileDeletedAfterItsNewVersionWasPoisoned_TakesItsArticleOutOfTheApiAndTheFeeds()
    {
        var file = new ArticleText { IsPublished = true, Category = $"fail-{Guid.NewGuid():N}"[..12], Body = "First.\n" };
        var name = $"{Guid.NewGuid():N}.txt";
        var blob = host.Incoming.GetBlobClient(name);
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await blob.UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        await host.RunFeedsUntilAsync(file.Category, id);

        // A new version arrives while table writes fail: the host tries it five times, then poisons it; once storage is
        // back, the re-driver records the failure (and schedules a try an hour away).
        var failedBefore = await host.FailedAsync("IngestArticle");
        host.Tables503.Down = true;
        await blob.UploadAsync(BinaryData.FromBytes((file with { Body = "Second.\n" }).ToBytes()), overwrite: true);
        await Wait.UntilAsync(async () => await host.FailedAsync("IngestArticle") >= failedBefore + 5 && await host.BlobTriggerQueueLengthAsync() == 0, "the new version is poisoned");
        host.Tables503.Down = false;
        await Wait.UntilAsync(() => Task.FromResult(host.Logs.Lines.Any(l => l.Contains($"{name} was poisoned;", StringComparison.Ordinal))), "the failure is recorded");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode); // the first version still serves

        await blob.DeleteAsync();

        await Wait.UntilAsync(() => Task.FromResult(host.Logs.Lines.Any(l => l.Contains($"File {name} was deleted:", StringComparison.Ordinal))), "the deletion is handled");
        Assert.Contains(host.Logs.Lines, l => l.Contains($"File {name} was deleted: Removed", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);
        Assert.DoesNotContain(id, await host.Http.GetStringAsync($"/api/articles?category={file.Category}"), StringComparison.Ordinal);
        await host.RunFeedsUntilAsync(file.Category, id, present: false);
    }
}
