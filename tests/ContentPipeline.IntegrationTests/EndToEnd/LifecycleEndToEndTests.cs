using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>An article's life through the user's doors: a file deleted from the container, an editor's takedown and restore.</summary>
public sealed class LifecycleEndToEndTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public async Task DeletingTheFile_RemovesItsArticle_FromTheApiAndTheFeeds_AndAnUploadBringsItBack()
    {
        var file = new ArticleText { IsPublished = true, Category = $"gone-{Guid.NewGuid():N}"[..12], Body = "Some *text*.\n" };
        var name = $"{Guid.NewGuid():N}.txt";
        var blob = host.Incoming.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        await host.RunFeedsUntilAsync(file.Category, id);
        var version = await VersionAsync(id);

        await blob.DeleteAsync();

        // The host's stand-in for Event Grid raises BlobDeleted; the function removes the article from every door.
        await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.NotFound, "the article is removed");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);
        Assert.DoesNotContain(id, await host.Http.GetStringAsync($"/api/articles?category={file.Category}"), StringComparison.Ordinal);
        Assert.DoesNotContain(id, await (await EditorSendAsync(HttpMethod.Get, "/api/editor/articles?status=all&limit=100")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await host.RunFeedsUntilAsync(file.Category, id, present: false);

        await blob.UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the upload brings it back");
        Assert.True(await VersionAsync(id) > version + 1, "its ETags go on from the removed article's, never repeating one");
    }

    [Fact]
    public async Task ATakedown_NamesTheKeysFingerprint_OutlivesAReupload_AndARestoreBringsTheFileBack()
    {
        var file = new ArticleText { IsPublished = true, Body = "First.\n" };
        var name = $"{Guid.NewGuid():N}.txt";
        var blob = host.Incoming.GetBlobClient(name);
        await blob.UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Http.DeleteAsync($"/api/articles/{id}")).StatusCode);
        var takedown = await EditorSendAsync(HttpMethod.Delete, $"/api/articles/{id}?reason={Uri.EscapeDataString("Court order 12/3")}");
        var json = await takedown.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, takedown.StatusCode);
        Assert.Equal("taken-down", json.GetProperty("state").GetString());
        var fingerprint = "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(LocalHostFixture.FunctionKey)))[..12];
        Assert.Equal(fingerprint, json.GetProperty("takedown").GetProperty("by").GetString());
        Assert.Equal("Court order 12/3", json.GetProperty("takedown").GetProperty("reason").GetString());
        Assert.DoesNotContain(LocalHostFixture.FunctionKey, json.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);

        // A re-upload with new content runs ingest, and changes nothing.
        var before = await host.SucceededAsync("IngestArticle");
        await blob.UploadAsync(BinaryData.FromBytes((file with { Body = "Second.\n" }).ToBytes()), overwrite: true);
        await Wait.UntilAsync(async () => await host.SucceededAsync("IngestArticle") > before, "the re-upload is ingested");
        var held = await (await EditorGetAsync(id)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("taken-down", held.GetProperty("state").GetString());
        Assert.False(held.TryGetProperty("body", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await EditorSendAsync(HttpMethod.Post, $"/api/articles/{id}/publish")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);

        var restore = await EditorSendAsync(HttpMethod.Post, $"/api/articles/{id}/restore");
        Assert.Equal("published", (await restore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        var back = await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}");
        Assert.Equal("Second.\n", back.GetProperty("body").GetString());
    }

    [Fact]
    public async Task AKeySentAsCode_NamesTheTakedownByTheSameFingerprint_AndNeverReachesTheWorkersUrl()
    {
        var file = new ArticleText { IsPublished = true };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        var reply = await host.Http.DeleteAsync($"/api/articles/{id}?code={Uri.EscapeDataString(LocalHostFixture.FunctionKey)}");

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        var fingerprint = "key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(LocalHostFixture.FunctionKey)))[..12];
        Assert.Equal(fingerprint, (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("takedown").GetProperty("by").GetString());
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(LocalHostFixture.FunctionKey, StringComparison.Ordinal));
    }

    private async Task<long> VersionAsync(string id) =>
        (await (await EditorGetAsync(id)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();

    private Task<HttpResponseMessage> EditorGetAsync(string id) => EditorSendAsync(HttpMethod.Get, $"/api/editor/articles/{id}");

    private async Task<HttpResponseMessage> EditorSendAsync(HttpMethod method, string path)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return await host.Http.SendAsync(request);
    }
}
