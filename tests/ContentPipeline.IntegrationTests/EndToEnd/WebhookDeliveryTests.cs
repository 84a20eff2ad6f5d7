using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>A host whose container watcher scans only once a minute, so every run here comes from a webhook post.</summary>
public sealed class WebhookOnlyFixture : LocalHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("LocalHost:WatchInterval", "00:01:00")];
}

public sealed class WebhookDeliveryTests(WebhookOnlyFixture host) : IClassFixture<WebhookOnlyFixture>
{
    [Fact]
    public async Task TheSameEventPostedTwice_RunsTheFunctionOnce_AndMakesOneArticle()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var before = await host.InvocationsAsync("IngestArticle");
        var notification = $$$"""
            [{"id":"{{{Guid.NewGuid()}}}","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{name}}}",
              "eventTime":"2026-11-26T08:00:00Z","dataVersion":"","metadataVersion":"1",
              "data":{"api":"PutBlob","eTag":"{{{uploaded.Value.ETag.ToString().Trim('"')}}}","blobType":"BlockBlob"}}]
            """;

        var first = await PostAsync(notification);
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await LocalHostFixture.EventuallyAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        var second = await PostAsync(notification); // Event Grid delivers at least once

        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        Assert.Equal(0, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        await Task.Delay(500);
        Assert.Equal(before + 1, await host.InvocationsAsync("IngestArticle"));
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task ABlobNobodyAnnounced_IsNotRunUntilItsEventArrives()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Task.Delay(1000); // the watcher of this host looks only once a minute

        var before = await host.Http.GetAsync($"/api/articles/{id}");
        await PostAsync($$$"""[{"id":"1","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{name}}}","data":{"api":"PutBlockList","eTag":"{{{uploaded.Value.ETag.ToString().Trim('"')}}}"}}]""");

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        await LocalHostFixture.EventuallyAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the announced blob is ingested");
    }

    private async Task<HttpResponseMessage> PostAsync(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code={LocalHostFixture.BlobsExtensionKey}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        return await host.Http.SendAsync(request);
    }
}
