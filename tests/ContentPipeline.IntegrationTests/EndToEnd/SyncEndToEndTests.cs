using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// A sync client through the real worker and the API's doors (every response held to openapi.json): it mirrors the
/// published set, an upload and an editor's unpublish reach it within seconds, and its mirror equals what the list API
/// serves.
/// </summary>
[Collection(ApiContractCollection.Name)]
public sealed class SyncEndToEndTests(LocalHostFixture host)
{
    [Fact]
    public async Task AClient_MirrorsThePublishedSet_ThroughUploadsAndUnpublishing()
    {
        var kept = new ArticleText { IsPublished = true, Published = DateTimeOffset.UtcNow, Title = "Mirrored" };
        var dropped = new ArticleText { IsPublished = true, Published = DateTimeOffset.UtcNow };
        var (keptId, droppedId) = (ArticleId.FromUrl(new Uri(kept.Url)), ArticleId.FromUrl(new Uri(dropped.Url)));
        await UploadAsync(dropped);
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{droppedId}")).StatusCode == HttpStatusCode.OK, "the first article is served");

        var mirror = new Dictionary<string, string>(StringComparer.Ordinal);
        var token = await SyncAsync(mirror, null);
        Assert.Contains(droppedId, mirror.Keys);
        Assert.Equal(await ListedAsync(), mirror.Keys.Order(StringComparer.Ordinal));

        await UploadAsync(kept);
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{keptId}")).StatusCode == HttpStatusCode.OK, "the second article is served");
        using (var unpublish = new HttpRequestMessage(HttpMethod.Post, $"/api/articles/{droppedId}/unpublish"))
        {
            unpublish.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
            using var response = await host.Http.SendAsync(unpublish);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Wait.UntilAsync(async () =>
        {
            token = await SyncAsync(mirror, token);
            return mirror.ContainsKey(keptId) && !mirror.ContainsKey(droppedId);
        }, "the sync client sees the upload and the unpublish");
        Assert.Equal("Mirrored", mirror[keptId]);
        Assert.Equal(await ListedAsync(), mirror.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AForgedToken_IsRefusedNamingIt()
    {
        using var response = await host.Http.GetAsync("/api/sync?token=ZHwx");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("token", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
    }

    private Task UploadAsync(ArticleText file) =>
        host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));

    /// <summary>Syncs to the end from <paramref name="token"/> (from the start when null), applying every page; returns the sync token.</summary>
    private async Task<string> SyncAsync(Dictionary<string, string> mirror, string? token)
    {
        while (true)
        {
            var page = await host.Http.GetFromJsonAsync<JsonElement>(token is null ? "/api/sync?limit=7" : $"/api/sync?limit=7&token={Uri.EscapeDataString(token)}");
            foreach (var article in page.GetProperty("articles").EnumerateArray())
            {
                mirror[article.GetProperty("id").GetString()!] = article.GetProperty("title").GetString()!;
            }

            foreach (var deleted in page.GetProperty("deleted").EnumerateArray())
            {
                mirror.Remove(deleted.GetProperty("id").GetString()!);
            }

            if (page.TryGetProperty("syncToken", out var done))
            {
                return done.GetString()!;
            }

            token = page.GetProperty("nextPageToken").GetString();
        }
    }

    /// <summary>Every article the published list serves.</summary>
    private async Task<IOrderedEnumerable<string>> ListedAsync()
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await host.Http.GetFromJsonAsync<JsonElement>(cursor is null ? "/api/articles?limit=100" : $"/api/articles?limit=100&cursor={Uri.EscapeDataString(cursor)}");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(static i => i.GetProperty("id").GetString()!));
            cursor = page.TryGetProperty("cursor", out var next) ? next.GetString() : null;
        }
        while (cursor is not null);

        return ids.Order(StringComparer.Ordinal);
    }
}
