using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>A host that logs everything (Information), so tests can read what reaches the logs.</summary>
public sealed class VerboseHostFixture : LocalHostFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Logging:LogLevel:Default", "Information")];
}

/// <summary>
/// Every door into the pipeline (the container watcher, the Event Grid webhook, the admin API, HTTP) as an attacker
/// uses it: hostile blob names are confined to the exact blob in 'incoming', bodies of the wrong shape are a 400,
/// keys never reach a log line, and every response carries nosniff and no server banner.
/// </summary>
public sealed class HostileDoorsTests(VerboseHostFixture host) : IClassFixture<VerboseHostFixture>
{
    private static readonly byte[] NotAnArticle = Encoding.UTF8.GetBytes("no front matter here");

    [Fact]
    public async Task Watcher_AnUploadNamedWithDotDots_LeavesTheFeedItNamesAlone_AndIsReportedOnce()
    {
        var victim = await PlantVictimAsync("feeds", $"{Guid.NewGuid():N}.json");
        var stored = $"../feeds/{victim.Name}";

        await RawBlobUpload.PutAsync(host.Incoming, $"..%2Ffeeds%2F{victim.Name}", NotAnArticle);

        // Its event's URL collapses to feeds/{name}, as it does in the Azure host: the function gets a blob of the feeds
        // container and no 'name', and leaves it alone.
        await Wait.UntilAsync(async () => (await ReasonAsync("feeds", victim.Name)).HasValue, "the unsafe delivery is recorded");
        Assert.Contains("container 'feeds'", (await ReasonAsync("feeds", victim.Name))!.Value.GetProperty("problems")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("victim", (await victim.DownloadContentAsync()).Value.Content.ToString());
        Assert.Contains(stored, await RawBlobUpload.ListNamesAsync(host.Incoming));

        // Later scans see the same blob again and raise no new event for it (a run would rewrite its reason).
        var recorded = (await ReasonBlob("feeds", victim.Name).GetPropertiesAsync()).Value.ETag;
        var scans = (await host.StatusAsync()).GetProperty("blobScans").GetInt64();
        await Wait.UntilAsync(async () => (await host.StatusAsync()).GetProperty("blobScans").GetInt64() >= scans + 3, "three more scans");
        Assert.Equal(recorded, (await ReasonBlob("feeds", victim.Name).GetPropertiesAsync()).Value.ETag);
    }

    [Fact]
    public async Task Webhook_AnEventNamingADotDotBlob_LeavesTheFeedItNamesAlone()
    {
        var victim = await PlantVictimAsync("feeds", $"{Guid.NewGuid():N}.json");
        var stored = $"../feeds/{victim.Name}";
        await RawBlobUpload.PutAsync(host.Incoming, $"..%2Ffeeds%2F{victim.Name}", NotAnArticle);

        var reply = await PostWebhookAsync($$$"""[{"id":"1","eventType":"Microsoft.Storage.BlobCreated","subject":"/blobServices/default/containers/incoming/blobs/{{{stored}}}","data":{"api":"PutBlob","url":"http://127.0.0.1/devstoreaccount1/incoming/{{{stored}}}"}}]""");

        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        await Wait.UntilAsync(async () => (await ReasonAsync("feeds", victim.Name)).HasValue, "the unsafe delivery is recorded");
        Assert.Equal("victim", (await victim.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task AdminApi_AnInputWithDotDots_LeavesTheBlobItNamesAlone()
    {
        var victim = await PlantVictimAsync("article-bodies", $"{Guid.NewGuid():N}/body.md");
        var stored = $"../article-bodies/{victim.Name}";

        var reply = await SendAsync(HttpMethod.Post, "/admin/functions/IngestArticle", LocalHostFixture.MasterKey, JsonContent.Create(new { input = $"incoming/{stored}" }));

        Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        await Wait.UntilAsync(async () => (await ReasonAsync("article-bodies", victim.Name)).HasValue, "the unsafe delivery is recorded");
        Assert.Equal("victim", (await victim.DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task ANameWithANewline_CannotForgeALogLine()
    {
        const string forged = "2026-11-29 12:00:00 info: Ingested payroll.txt as article 0123456789abcdef0123: Created";
        var stored = $"x\n{forged}.txt";
        await RawBlobUpload.PutAsync(host.Incoming, Uri.EscapeDataString(stored), NotAnArticle);

        await Wait.UntilAsync(async () => (await ReasonAsync("incoming", stored)).HasValue, "the unsafe name is recorded");

        // The worker's log lines reach the host's log a moment after the record is written: wait for the escaped one.
        await Wait.UntilAsync(() => Task.FromResult(host.Logs.Lines.Any(l => l.Contains("x\\u000A" + forged, StringComparison.Ordinal))), "the name is logged, escaped");
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("\n" + forged, StringComparison.Ordinal));
    }

    public static TheoryData<string> WrongWebhookBodies => new()
    {
        "null", "42", "\"text\"", "[1]", "[null]", "{}", "[{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"data\":5}]",
        "[{\"eventType\":5,\"data\":{}}]", "[{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":[],\"data\":{}}]",
        "[{\"eventType\":\"Microsoft.Storage.BlobCreated\",\"subject\":\"/blobServices/default/containers/incoming/blobs/a\",\"data\":{\"api\":7}}]",
    };

    [Theory]
    [MemberData(nameof(WrongWebhookBodies))]
    public async Task Webhook_ABodyOfTheWrongShape_Is400(string body)
    {
        var notification = await PostWebhookAsync(body);
        var validation = await PostWebhookAsync(body, "SubscriptionValidation");

        Assert.Equal(HttpStatusCode.BadRequest, notification.StatusCode);
        Assert.Equal("application/problem+json", notification.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.BadRequest, validation.StatusCode);
    }

    [Fact]
    public async Task Webhook_AValidationCodeThatIsNotAString_Is400()
    {
        var reply = await PostWebhookAsync("""[{"id":"1","eventType":"Microsoft.EventGrid.SubscriptionValidationEvent","data":{"validationCode":12}}]""", "SubscriptionValidation");

        Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"incoming/x.txt\"")]
    [InlineData("{\"input\":5}")]
    [InlineData("{\"input\":{\"a\":1}}")]
    [InlineData("{\"input\":[\"incoming/x.txt\"]}")]
    public async Task AdminApi_ABodyOfTheWrongShape_Is400(string body)
    {
        var timer = await SendAsync(HttpMethod.Post, "/admin/functions/PublishFeeds", LocalHostFixture.MasterKey, new StringContent(body, Encoding.UTF8, "application/json"));
        var blob = await SendAsync(HttpMethod.Post, "/admin/functions/IngestArticle", LocalHostFixture.MasterKey, new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, timer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, blob.StatusCode);
    }

    [Fact]
    public async Task AKeyInTheQueryString_NeverReachesALogLine()
    {
        var reply = await host.Http.GetAsync($"/api/editor/articles?status=draft&code={LocalHostFixture.FunctionKey}");
        var wrong = await host.Http.GetAsync("/api/editor/articles?code=a-wrong-key-that-is-secret-too");

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        await Wait.UntilAsync(() => Task.FromResult(host.Logs.Lines.Count(l => l.Contains("/api/editor/articles?", StringComparison.Ordinal)) >= 2), "both requests are logged");
        Assert.Contains(host.Logs.Lines, l => l.Contains("/api/editor/articles?status=draft&code=***", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains(LocalHostFixture.FunctionKey, StringComparison.Ordinal));
        Assert.DoesNotContain(host.Logs.Lines, l => l.Contains("a-wrong-key-that-is-secret-too", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/api/openapi.json", null, HttpStatusCode.OK)]
    [InlineData("/api/articles/0123456789abcdef0123", null, HttpStatusCode.NotFound)]
    [InlineData("/api/articles/NOT-AN-ID", null, HttpStatusCode.BadRequest)]
    [InlineData("/api/editor/articles", null, HttpStatusCode.Unauthorized)]
    [InlineData("/api/editor/articles", LocalHostFixture.FunctionKey, HttpStatusCode.OK)]
    [InlineData("/no/such/route", null, HttpStatusCode.NotFound)]
    public async Task EveryResponse_SaysNosniff_AndNamesNoServer(string path, string? key, HttpStatusCode status)
    {
        var reply = await SendAsync(HttpMethod.Get, path, key);

        Assert.Equal(status, reply.StatusCode);
        Assert.Equal(["nosniff"], reply.Headers.GetValues("X-Content-Type-Options"));
        Assert.False(reply.Headers.Contains("Server"));
    }

    [Fact]
    public async Task WithoutAllowedOrigins_NoBrowserOriginMayReadTheApi()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/articles");
        preflight.Headers.Add("Origin", "https://attacker.example");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/articles");
        get.Headers.Add("Origin", "https://attacker.example");

        var preflightReply = await host.Http.SendAsync(preflight);
        var getReply = await host.Http.SendAsync(get);

        Assert.False(preflightReply.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.OK, getReply.StatusCode);
        Assert.False(getReply.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private async Task<Azure.Storage.Blobs.BlobClient> PlantVictimAsync(string container, string name)
    {
        var client = host.Blobs.GetBlobContainerClient(container);
        await client.CreateIfNotExistsAsync();
        var victim = client.GetBlobClient(name);
        await victim.UploadAsync(BinaryData.FromString("victim"), overwrite: true);
        return victim;
    }

    /// <summary>Where the reason for an unsafe delivery is kept: named by a hash of the container and name delivered.</summary>
    private Azure.Storage.Blobs.BlobClient ReasonBlob(string container, string blobName) =>
        host.Rejected.GetBlobClient($"unsafe-names/{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{container}/{blobName}")))}.json");

    private async Task<JsonElement?> ReasonAsync(string container, string blobName)
    {
        var reason = ReasonBlob(container, blobName);
        if (!(await reason.ExistsAsync()).Value)
        {
            return null;
        }

        return JsonDocument.Parse((await reason.DownloadContentAsync()).Value.Content.ToString()).RootElement.Clone();
    }

    private Task<HttpResponseMessage> PostWebhookAsync(string body, string eventType = "Notification") =>
        SendAsync(
            HttpMethod.Post,
            $"/runtime/webhooks/blobs?functionName=Host.Functions.IngestArticle&code={LocalHostFixture.BlobsExtensionKey}",
            key: null,
            new StringContent(body, Encoding.UTF8, "application/json"),
            ("aeg-event-type", eventType));

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null, (string Name, string Value)? header = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        if (header is { } h)
        {
            request.Headers.Add(h.Name, h.Value);
        }

        return await host.Http.SendAsync(request);
    }
}

/// <summary>A host with browser origins allowed, as <c>CORS_ALLOWED_ORIGINS</c> sets them (locally and in infra/).</summary>
public sealed class CorsHostFixture : LocalHostFixture
{
    public const string Editor = "https://editor.example";

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("CORS_ALLOWED_ORIGINS", $"{Editor}, http://localhost:5173")];
}

public sealed class CorsTests(CorsHostFixture host) : IClassFixture<CorsHostFixture>
{
    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_IsAnswered_ForTheEditorsHeaders()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/articles/0123456789abcdef0123/publish");
        preflight.Headers.Add("Origin", CorsHostFixture.Editor);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "x-functions-key, if-match");

        var reply = await host.Http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, reply.StatusCode);
        Assert.Equal([CorsHostFixture.Editor], reply.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("POST", string.Join(",", reply.Headers.GetValues("Access-Control-Allow-Methods")), StringComparison.Ordinal);
        var allowed = string.Join(",", reply.Headers.GetValues("Access-Control-Allow-Headers"));
        Assert.Contains("x-functions-key", allowed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("if-match", allowed, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AResponseToAnAllowedOrigin_MayBeRead_WithItsETag()
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/api/articles");
        get.Headers.Add("Origin", CorsHostFixture.Editor);

        var reply = await host.Http.SendAsync(get);

        Assert.Equal([CorsHostFixture.Editor], reply.Headers.GetValues("Access-Control-Allow-Origin"));
        Assert.Contains("ETag", string.Join(",", reply.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.False(reply.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task AnotherOrigin_GetsNoCorsHeaders()
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/articles");
        preflight.Headers.Add("Origin", "https://editor.example.attacker.test");
        preflight.Headers.Add("Access-Control-Request-Method", "GET");

        var reply = await host.Http.SendAsync(preflight);

        Assert.False(reply.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
