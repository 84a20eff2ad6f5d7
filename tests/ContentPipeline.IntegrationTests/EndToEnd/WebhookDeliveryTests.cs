using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>A host that raises no blob events itself: every blob-triggered run here comes from a webhook post.</summary>
public sealed class WebhookOnlyFixture : LocalHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("LocalHost:RaiseBlobEvents", "false"),
        new("Values:Sweep__MinAge", "00:00:00"), // the sweep may take a blob at once
    ];

    protected override bool RaisesBlobEvents => false;
}

/// <summary>The Event Grid webhook with the Azure host's semantics: every event is queued and runs the function; none is deduplicated.</summary>
public sealed class WebhookDeliveryTests(WebhookOnlyFixture host) : IClassFixture<WebhookOnlyFixture>
{
    [Fact]
    public async Task TheSameEventPostedTwice_RunsTheFunctionTwice_AndChangesNothingTheSecondTime()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var before = await host.InvocationsAsync("IngestArticle");
        var notification = Notification(name, uploaded.Value.ETag.ToString());
        var id = ArticleId.FromUrl(new Uri(file.Url));

        var first = await PostAsync(notification);
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        var second = await PostAsync(notification); // Event Grid delivers at least once; Azure's host keeps no receipt for it
        await Wait.UntilAsync(async () => await host.SucceededAsync("IngestArticle") >= before + 2, "the function ran for the second delivery");

        Assert.Equal(1, (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        Assert.Equal(1, (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task ABlobNobodyAnnounced_IsNotRunUntilItsEventArrives()
    {
        var silent = new ArticleText { IsPublished = true };
        var announced = new ArticleText { IsPublished = true };
        var silentName = $"{Guid.NewGuid():N}.txt";
        var silentUpload = await host.Incoming.GetBlobClient(silentName).UploadAsync(BinaryData.FromBytes(silent.ToBytes()));
        var announcedName = $"{Guid.NewGuid():N}.txt";
        var announcedUpload = await host.Incoming.GetBlobClient(announcedName).UploadAsync(BinaryData.FromBytes(announced.ToBytes()));
        var silentId = ArticleId.FromUrl(new Uri(silent.Url));

        // A later upload's event runs and completes: the earlier blob, with no event, was not run meanwhile.
        await PostAsync(Notification(announcedName, announcedUpload.Value.ETag.ToString()));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{ArticleId.FromUrl(new Uri(announced.Url))}")).StatusCode == HttpStatusCode.OK, "the announced blob is ingested");
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{silentId}")).StatusCode);

        await PostAsync(Notification(silentName, silentUpload.Value.ETag.ToString()));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{silentId}")).StatusCode == HttpStatusCode.OK, "the blob is ingested once its event arrives");
    }

    [Fact]
    public async Task ABlobNoEventEverBrought_IsIngestedByTheSweep()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));

        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/SweepIncoming") { Content = JsonContent.Create(new { input = string.Empty }) };
        run.Headers.Add("x-functions-key", LocalHostFixture.MasterKey);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Http.SendAsync(run)).StatusCode);

        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the sweep ingested the blob");
    }

    [Fact]
    public async Task AFunctionNameAzureDoesNotRegister_IsAccepted_AndItsEventsAreDropped_AndTheSweepStillIngestsTheBlob()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        var before = await host.InvocationsAsync("IngestArticle");

        // Azure's host registers only the exact ids: a miscased or bare name is accepted (202) and never runs.
        string[] drifted = ["Host.Functions.ingestarticle", "IngestArticle", "host.functions.IngestArticle"];
        foreach (var functionName in drifted)
        {
            var reply = await PostAsync(Notification(name, uploaded.Value.ETag.ToString()), functionName);
            Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        }

        await Wait.UntilAsync(
            async () => await host.BlobTriggerQueueLengthAsync() == 0 && host.Logs.Lines.Count(l => l.Contains("which is not one this app registers", StringComparison.Ordinal)) >= drifted.Length,
            "the drifted messages are consumed");
        Assert.Equal(before, await host.InvocationsAsync("IngestArticle"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);

        // The short id Azure also registers runs the function.
        var other = new ArticleText { IsPublished = true };
        var otherName = $"{Guid.NewGuid():N}.txt";
        var otherUpload = await host.Incoming.GetBlobClient(otherName).UploadAsync(BinaryData.FromBytes(other.ToBytes()));
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Notification(otherName, otherUpload.Value.ETag.ToString()), "Functions.IngestArticle")).StatusCode);
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{ArticleId.FromUrl(new Uri(other.Url))}")).StatusCode == HttpStatusCode.OK, "Functions.IngestArticle runs");

        // What no event brought, the sweep ingests.
        using var run = new HttpRequestMessage(HttpMethod.Post, "/admin/functions/SweepIncoming") { Content = JsonContent.Create(new { input = string.Empty }) };
        run.Headers.Add("x-functions-key", LocalHostFixture.MasterKey);
        Assert.Equal(HttpStatusCode.Accepted, (await host.Http.SendAsync(run)).StatusCode);
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the sweep ingested the blob");
    }

    [Fact]
    public async Task TheWebhookQueuesWhateverItIsSent_AsAzuresDoes_ABlobThatIsGoneIsDropped()
    {
        var gone = $"{Guid.NewGuid():N}.txt";
        var before = await host.InvocationsAsync("IngestArticle");
        var reply = await PostAsync($$$"""
            [{"id":"1","eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/incoming/blobs/{{{gone}}}","data":{"api":"DeleteBlob","url":"http://127.0.0.1/devstoreaccount1/incoming/{{{gone}}}"}},
             {"id":"2","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{gone}}}","data":{"api":"PutBlock","url":"http://127.0.0.1/devstoreaccount1/incoming/{{{gone}}}"}}]
            """);

        // Filtering event types and APIs is the subscription's job (infra/, the local host's Event Grid stand-in).
        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        Assert.Equal(2, (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("queued").GetInt32());

        // Both messages are consumed without running the function: the blob does not exist (the host checks first).
        await Wait.UntilAsync(async () => await host.BlobTriggerQueueLengthAsync() == 0, "the queue is drained");
        Assert.Equal(before, await host.InvocationsAsync("IngestArticle"));
    }

    [Fact]
    public async Task TheEventGridTriggersWebhook_AnswersTheHandshake_WantsItsOwnKey_AndRunsTheFunctionBeforeAnswering()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await PostAsync(Notification(name, uploaded.Value.ETag.ToString()));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        await host.Incoming.GetBlobClient(name).DeleteAsync();
        var deletion = $"[{PipelineEndToEndTests.BlobDeletedEvent(name)}]";

        var handshake = await PostEventGridAsync("SubscriptionValidation", """[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","subject":"","data":{"validationCode":"abc-123"},"eventTime":"2026-11-26T08:00:00Z","dataVersion":"1","metadataVersion":"1"}]""");
        var blobsKey = await PostEventGridAsync("Notification", deletion, LocalHostFixture.BlobsExtensionKey);
        var wrongFunction = await PostEventGridAsync("Notification", deletion, functionName: "IngestArticle");
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode); // nothing ran yet
        var delivered = await PostEventGridAsync("Notification", deletion);

        Assert.Equal("abc-123", (await handshake.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validationResponse").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, blobsKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongFunction.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, delivered.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode); // removed before the answer
    }

    private async Task<HttpResponseMessage> PostEventGridAsync(string eventType, string body, string key = LocalHostFixture.EventGridExtensionKey, string functionName = "RemoveDeletedArticle")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/EventGrid?functionName={functionName}&code={Uri.EscapeDataString(key)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", eventType);
        return await host.Http.SendAsync(request);
    }

    private static string Notification(string name, string etag) => $$$"""
        [{"id":"{{{Guid.NewGuid()}}}","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{name}}}",
          "eventTime":"2026-11-26T08:00:00Z","dataVersion":"","metadataVersion":"1",
          "data":{"api":"PutBlob","eTag":"{{{etag.Trim('"')}}}","blobType":"BlockBlob","url":"http://127.0.0.1:10000/devstoreaccount1/incoming/{{{name}}}"}}]
        """;

    private async Task<HttpResponseMessage> PostAsync(string body, string functionName = "Host.Functions.IngestArticle")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/blobs?functionName={Uri.EscapeDataString(functionName)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", "Notification");
        request.Headers.Add("x-functions-key", LocalHostFixture.BlobsExtensionKey);
        return await host.Http.SendAsync(request);
    }
}
