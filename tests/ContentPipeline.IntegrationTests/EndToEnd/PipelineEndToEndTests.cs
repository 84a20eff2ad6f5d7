using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The pipeline as a user meets it: files in, HTTP out, through the local host and Azurite.</summary>
public sealed class PipelineEndToEndTests(LocalHostFixture host) : IClassFixture<LocalHostFixture>
{
    private static readonly string SeedFolder = Path.Combine(AppContext.BaseDirectory, "seeds");

    [Fact]
    public async Task UploadedSeeds_AreServedByTheApi_DraftsOnlyToEditors()
    {
        foreach (var file in Directory.EnumerateFiles(SeedFolder))
        {
            await host.Incoming.GetBlobClient($"seeds/{Path.GetFileName(file)}").UploadAsync(file, overwrite: true);
        }

        var seed = ArticleId.FromUrl(new Uri("https://eandt.theiet.org/content/articles/2022/11/italy-bans-the-use-of-facial-recognition-technology/"));
        await Wait.UntilAsync(async () => (await EditorGetAsync(seed)).StatusCode == HttpStatusCode.OK, "the seed is ingested");

        var anonymous = await host.Http.GetAsync($"/api/articles/{seed}");
        var editor = await EditorGetAsync(seed);
        var editorJson = await editor.Content.ReadFromJsonAsync<JsonElement>();
        var published = await host.Http.GetFromJsonAsync<JsonElement>("/api/articles?limit=100");

        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode); // the seed is a draft
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
        Assert.Equal("theiet.org", editorJson.GetProperty("provider").GetProperty("domain").GetString());
        Assert.EndsWith(";5BUeE5K4ihHGe2oM3mu7JQ==", editorJson.GetProperty("secured").GetString());
        await Wait.UntilAsync(async () => (await host.Http.GetFromJsonAsync<JsonElement>("/api/articles?limit=100")).GetProperty("items").GetArrayLength() >= 6, "the published seeds are listed");
        Assert.DoesNotContain("secured", published.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditorToggles_NeedAKey_AndShowInLists()
    {
        var category = $"e2e{Guid.NewGuid():N}"[..16];
        var file = new ArticleText { Category = category, IsPublished = false };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.OK, "the article is ingested");

        var withoutKey = await host.Http.PostAsync($"/api/articles/{id}/publish", null);
        var wrongKey = await PostAsync($"/api/articles/{id}/publish?code=wrong");
        var published = await PostAsync($"/api/articles/{id}/publish?code={LocalHostFixture.FunctionKey}");
        var listed = await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles?category={category}");
        var unpublished = await PostAsync($"/api/articles/{id}/unpublish", LocalHostFixture.FunctionKey);
        var listedAfter = await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles?category={category}");
        var editorListWithoutKey = await host.Http.GetAsync("/api/editor/articles?status=draft");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.OK, unpublished.StatusCode);
        Assert.Empty(listedAfter.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.Unauthorized, editorListWithoutKey.StatusCode);
    }

    [Fact]
    public async Task MalformedUpload_IsFoundInRejectedWithItsReason()
    {
        var name = $"broken-{Guid.NewGuid():N}.txt";
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromString("---\ntitle: \"unterminated\ncategory: news\n---\n"));

        var reason = host.Rejected.GetBlobClient($"reasons/{name}.json");
        await Wait.UntilAsync(async () => (await reason.ExistsAsync()).Value && !(await host.Incoming.GetBlobClient(name).ExistsAsync()).Value, "the file is moved to rejected");

        using var json = JsonDocument.Parse((await reason.DownloadContentAsync()).Value.Content.ToString());
        var problem = json.RootElement.GetProperty("problems")[0];
        Assert.Equal("invalid-yaml", problem.GetProperty("code").GetString());
        Assert.Equal(name, problem.GetProperty("file").GetString());
        Assert.True(problem.GetProperty("line").GetInt32() >= 2);
        Assert.False((await host.Incoming.GetBlobClient(name).ExistsAsync()).Value);
        Assert.True((await host.Rejected.GetBlobClient($"files/{name}").ExistsAsync()).Value);
    }

    [Fact]
    public async Task EventGridWebhook_AnswersTheValidationHandshake_AndRefusesAWrongKey()
    {
        var validation = await PostWebhookAsync("SubscriptionValidation", """[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":"512d38b6-c7b8-40c8-89fe-f46f9e9622b6"}}]""");
        var unauthorized = await host.Http.PostAsync($"/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code=wrong", new StringContent("[]"));

        Assert.Equal(HttpStatusCode.OK, validation.StatusCode);
        Assert.Equal("512d38b6-c7b8-40c8-89fe-f46f9e9622b6", (await validation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("validationResponse").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);

    }

    [Fact]
    public async Task AdminApi_RunsABlobFunctionNow_WithTheMasterKeyOnly()
    {
        var file = new ArticleText();
        var name = $"{Guid.NewGuid():N}.txt";
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));

        var withFunctionKey = await PostAsync("/admin/functions/IngestArticle", LocalHostFixture.FunctionKey, new { input = $"incoming/{name}" });
        var unknown = await PostAsync("/admin/functions/NoSuchFunction", LocalHostFixture.MasterKey, new { input = "x" });
        var httpFunction = await PostAsync("/admin/functions/GetArticle", LocalHostFixture.MasterKey, new { input = "x" });
        var run = await PostAsync("/admin/functions/IngestArticle", LocalHostFixture.MasterKey, new { input = $"incoming/{name}" });

        Assert.Equal(HttpStatusCode.Unauthorized, withFunctionKey.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, httpFunction.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.OK, "the admin-triggered run stored the article");
    }

    [Fact]
    public async Task AfterARestart_ARepeatedEventChangesNothing_AndAChangedBlobIsIngested()
    {
        var file = new ArticleText { IsPublished = true };
        var name = $"{Guid.NewGuid():N}.txt";
        var uploaded = await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        await host.RestartHostAsync(); // a new worker process too
        var repeated = await PostWebhookAsync("Notification", $$$"""[{"id":"r","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{name}}}","data":{"api":"PutBlob","eTag":"{{{uploaded.Value.ETag.ToString().Trim('"')}}}","url":"http://127.0.0.1/devstoreaccount1/incoming/{{{name}}}"}}]""");
        await Wait.UntilAsync(async () => await host.SucceededAsync("IngestArticle") >= 1, "the repeated event ran the function");

        Assert.Equal(HttpStatusCode.Accepted, repeated.StatusCode);
        Assert.Equal(1, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}")).GetProperty("version").GetInt64());
        await host.Incoming.GetBlobClient(name).UploadAsync(BinaryData.FromBytes((file with { Title = "After the restart" }).ToBytes()), overwrite: true);
        await Wait.UntilAsync(async () => (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}")).GetProperty("title").GetString() == "After the restart", "the changed blob is ingested");
        Assert.Equal(2, (await host.Http.GetFromJsonAsync<JsonElement>($"/api/articles/{id}")).GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task FeedFunction_RunThroughTheAdminApi_PublishesFeedsReadersCanFetch()
    {
        var category = $"feeds{Guid.NewGuid():N}"[..16];
        var file = new ArticleText { IsPublished = true, Category = category, Title = "In the feed" };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");

        var run = await PostAsync("/admin/functions/PublishFeeds", LocalHostFixture.MasterKey, new { input = string.Empty });

        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        using var reader = new HttpClient(); // a feed reader: anonymous, straight from blob storage
        var feeds = host.Blobs.GetBlobContainerClient("feeds");
        var feedUrl = feeds.GetBlobClient($"category/{category}.rss.xml").Uri;
        HttpResponseMessage? feed = null;
        await Wait.UntilAsync(async () => (feed = await reader.GetAsync(feedUrl)).StatusCode == HttpStatusCode.OK, "the category feed is published");
        var xml = await feed!.Content.ReadAsStringAsync();
        Assert.Equal("application/rss+xml", feed.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", feed.Headers.CacheControl?.ToString());
        Assert.Contains("<title>In the feed</title>", xml, StringComparison.Ordinal);
        Assert.Contains($"tag:contentpipeline,2026:article/{id}", xml, StringComparison.Ordinal);

        using var conditional = new HttpRequestMessage(HttpMethod.Get, feedUrl);
        conditional.Headers.IfNoneMatch.Add(feed.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await reader.SendAsync(conditional)).StatusCode);
        await Wait.UntilAsync(
            async () =>
            {
                using var index = await reader.GetAsync(feeds.GetBlobClient("index.json").Uri);
                return index.IsSuccessStatusCode && (await index.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("feeds").EnumerateArray()
                    .Any(f => f.TryGetProperty("slug", out var slug) && slug.GetString() == category);
            },
            "the index lists the category feed");
    }

    [Fact]
    public async Task EveryFunctionOfThePackage_IsReachedThroughTheWorker()
    {
        var file = new ArticleText { IsPublished = true };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.OK, "the blob trigger ran");

        var calls = new (HttpMethod Method, string Path, string? Key)[]
        {
            (HttpMethod.Get, "/api/openapi.json", null),
            (HttpMethod.Get, "/api/articles", null),
            (HttpMethod.Get, $"/api/articles/{id}", null),
            (HttpMethod.Get, "/api/editor/articles", LocalHostFixture.FunctionKey),
            (HttpMethod.Get, $"/api/editor/articles/{id}", LocalHostFixture.FunctionKey),
            (HttpMethod.Post, $"/api/articles/{id}/unpublish", LocalHostFixture.FunctionKey),
            (HttpMethod.Post, $"/api/articles/{id}/publish", LocalHostFixture.FunctionKey),
            (HttpMethod.Delete, $"/api/articles/{id}", LocalHostFixture.FunctionKey),
            (HttpMethod.Post, $"/api/articles/{id}/restore", LocalHostFixture.FunctionKey),
            (HttpMethod.Get, "/api/editor/ingest-failures", LocalHostFixture.FunctionKey),
            (HttpMethod.Post, "/api/maintenance/repair-index", LocalHostFixture.MasterKey),
            (HttpMethod.Get, "/api/editor/rejected-files", LocalHostFixture.FunctionKey),
            (HttpMethod.Get, "/api/desk/index.html", null),
            (HttpMethod.Get, "/api/sync", null),
            (HttpMethod.Get, "/api/editor/webhooks", LocalHostFixture.FunctionKey),
        };
        foreach (var (method, path, key) in calls)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(method, path, key)).StatusCode);
        }

        // The webhook endpoints' lifecycle: register, look up, read its (empty) log, remove.
        var webhook = await PostAsync("/api/editor/webhooks", LocalHostFixture.FunctionKey, new { url = "https://hooks.example.com/in", events = new[] { "article.published" } });
        Assert.Equal(HttpStatusCode.Created, webhook.StatusCode);
        var webhookId = (await webhook.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/editor/webhooks/{webhookId}", LocalHostFixture.FunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/api/editor/webhooks/{webhookId}/deliveries", LocalHostFixture.FunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(HttpMethod.Delete, $"/api/editor/webhooks/{webhookId}", LocalHostFixture.FunctionKey)).StatusCode);

        // The stories: lists, the article's story, and the editors' split and merge (without If-Match: 428, no change).
        var storyId = (await (await SendAsync(HttpMethod.Get, $"/api/articles/{id}", null)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("story").GetProperty("id").GetString();
        foreach (var (path, key) in new[] { ("/api/stories", null), ($"/api/stories/{storyId}", null), ("/api/editor/stories", LocalHostFixture.FunctionKey), ($"/api/editor/stories/{storyId}", LocalHostFixture.FunctionKey) })
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, path, key)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(HttpMethod.Post, $"/api/editor/stories/{storyId}/split?article={id}", LocalHostFixture.FunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(HttpMethod.Post, $"/api/editor/stories/{storyId}/merge?story={storyId}", LocalHostFixture.FunctionKey)).StatusCode);

        // Lookups by name of files that never failed: the functions run and answer that there is none.
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/editor/rejected-files/detail?name=never.txt", LocalHostFixture.FunctionKey)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/api/editor/ingest-failures/detail?name=never.txt", LocalHostFixture.FunctionKey)).StatusCode);

        foreach (var timer in new[] { "PublishFeeds", "RedriveFailedBlobs", "SweepIncoming", "ApplyScheduledTransitions", "RepairPendingSaves", "DispatchWebhooks" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await PostAsync($"/admin/functions/{timer}", LocalHostFixture.MasterKey, new { input = string.Empty })).StatusCode);
        }

        // The Event Grid trigger, given one event: the deletion of a file that never existed changes nothing.
        var deletion = BlobDeletedEvent($"{Guid.NewGuid():N}.txt");
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync("/admin/functions/RemoveDeletedArticle", LocalHostFixture.MasterKey, new { input = deletion })).StatusCode);

        // The host's catalog is the worker's metadata response: every function of the published package, each of which ran.
        var packaged = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(LocalHostFixture.AppPath, "functions.metadata"))).RootElement
            .EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList();
        await Wait.UntilAsync(
            async () => (await host.StatusAsync()).GetProperty("functions").EnumerateArray().All(f => f.GetProperty("invocations").GetProperty("succeeded").GetInt64() > 0),
            "every function succeeded at least once");
        var served = (await host.StatusAsync()).GetProperty("functions").EnumerateArray().Select(f => f.GetProperty("name").GetString()).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(packaged, served);
    }

    [Fact]
    public async Task OpenApi_IsServedAtItsRoute()
    {
        var document = await host.Http.GetFromJsonAsync<JsonElement>("/api/openapi.json");

        Assert.True(document.GetProperty("paths").TryGetProperty("/articles/{id}/publish", out _));
    }

    /// <summary>One BlobDeleted event as Event Grid writes it for the incoming container.</summary>
    internal static string BlobDeletedEvent(string name) => $$$"""
        {"id":"{{{Guid.NewGuid()}}}","eventType":"Microsoft.Storage.BlobDeleted","subject":"/blobServices/default/containers/incoming/blobs/{{{name}}}",
         "eventTime":"2026-11-26T08:00:00Z","dataVersion":"","metadataVersion":"1",
         "data":{"api":"DeleteBlob","blobType":"BlockBlob","url":"http://127.0.0.1:10000/devstoreaccount1/incoming/{{{Uri.EscapeDataString(name)}}}"}}
        """;

    private Task<HttpResponseMessage> EditorGetAsync(string id) => SendAsync(HttpMethod.Get, $"/api/editor/articles/{id}", LocalHostFixture.FunctionKey);

    private Task<HttpResponseMessage> PostAsync(string path, string? key = null, object? body = null) => SendAsync(HttpMethod.Post, path, key, body);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await host.Http.SendAsync(request);
    }

    private async Task<HttpResponseMessage> PostWebhookAsync(string eventType, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code={LocalHostFixture.BlobsExtensionKey}")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("aeg-event-type", eventType);
        return await host.Http.SendAsync(request);
    }
}
