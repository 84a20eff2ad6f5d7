using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Webhooks;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The local host with its webhook dispatcher on a short schedule, local endpoints allowed, and a listener started
/// before the host (the endpoint every test here registers through the editors' API).
/// </summary>
public sealed class WebhookHostFixture : LocalHostFixture
{
    public WebhookListener Listener { get; private set; } = null!;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Values:WebhookSchedule", "*/2 * * * * *"),
        new("Values:Webhooks__AllowPrivateNetworks", "true"),
    ];

    protected override async Task OnAzuriteStartedAsync() => Listener = await WebhookListener.StartAsync();

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Listener.DisposeAsync();
    }
}

/// <summary>Webhooks through the real worker: registered through the API, a publish and a feed run reach the endpoint signed.</summary>
public sealed class WebhookEndToEndTests(WebhookHostFixture host) : IClassFixture<WebhookHostFixture>
{
    private const string Secret = "end-to-end-secret-0123456789";

    [Fact]
    public async Task APublishAndAFeedRun_ReachARegisteredEndpoint_Signed_AndTheLogSaysDelivered()
    {
        using var register = Editor(HttpMethod.Post, "/api/editor/webhooks");
        register.Content = JsonContent.Create(new { url = host.Listener.Url.AbsoluteUri, events = new[] { WebhookEvents.Published, WebhookEvents.FeedsChanged }, secret = Secret });
        using var registered = await host.Http.SendAsync(register);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var endpoint = await registered.Content.ReadFromJsonAsync<JsonElement>();
        var endpointId = endpoint.GetProperty("id").GetString()!;
        Assert.Equal(Secret, endpoint.GetProperty("secret").GetString());
        using (var shown = await host.Http.SendAsync(Editor(HttpMethod.Get, $"/api/editor/webhooks/{endpointId}")))
        {
            Assert.False((await shown.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("secret", out _)); // shown once only
        }

        // The dispatcher takes its place in the change log on its first run after the endpoint exists.
        await Wait.UntilAsync(async () => (await host.StatusAsync()).GetProperty("functions").EnumerateArray()
            .Any(f => f.GetProperty("name").GetString() == "DispatchWebhooks" && f.GetProperty("invocations").GetProperty("succeeded").GetInt64() > 1), "the dispatcher ran");

        var file = new ArticleText { IsPublished = true, Published = DateTimeOffset.UtcNow, Title = "Hooked" };
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));

        var published = await ReceivedAsync(r => r.Header(WebhookSignature.EventHeader) == WebhookEvents.Published && r.Header(WebhookSignature.IdHeader).StartsWith(id, StringComparison.Ordinal), "the publish reaches the endpoint");
        Assert.True(WebhookSignature.Verify(Secret, published.Header(WebhookSignature.TimestampHeader), published.Header(WebhookSignature.SignatureHeader), published.Body, DateTimeOffset.UtcNow));
        using (var json = JsonDocument.Parse(published.Body))
        {
            Assert.Equal("Hooked", json.RootElement.GetProperty("data").GetProperty("article").GetProperty("title").GetString());
        }

        await host.RunFeedsAsync();
        var feeds = await ReceivedAsync(r => r.Header(WebhookSignature.EventHeader) == WebhookEvents.FeedsChanged, "the feed run reaches the endpoint");
        Assert.True(WebhookSignature.Verify(Secret, feeds.Header(WebhookSignature.TimestampHeader), feeds.Header(WebhookSignature.SignatureHeader), feeds.Body, DateTimeOffset.UtcNow));
        using (var json = JsonDocument.Parse(feeds.Body))
        {
            Assert.Contains(json.RootElement.GetProperty("data").GetProperty("feeds").EnumerateArray(), f => f.GetString()!.EndsWith("/feeds/all.rss.xml", StringComparison.Ordinal));
        }

        await Wait.UntilAsync(async () =>
        {
            using var log = await host.Http.SendAsync(Editor(HttpMethod.Get, $"/api/editor/webhooks/{endpointId}/deliveries"));
            var items = (await log.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
            return items.Count(i => i.GetProperty("state").GetString() == WebhookDelivery.Delivered) >= 2;
        }, "the log says delivered");

        using var removed = await host.Http.SendAsync(Editor(HttpMethod.Delete, $"/api/editor/webhooks/{endpointId}"));
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    [Fact]
    public async Task ARegistration_WithAnUnknownEvent_IsRefused_NamingTheField()
    {
        using var register = Editor(HttpMethod.Post, "/api/editor/webhooks");
        register.Content = JsonContent.Create(new { url = "https://hooks.example.com/in", events = new[] { "article.eaten" } });
        using var refused = await host.Http.SendAsync(register);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("events", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("parameter").GetString());
    }

    private async Task<WebhookRequest> ReceivedAsync(Func<WebhookRequest, bool> match, string what)
    {
        WebhookRequest? found = null;
        await Wait.UntilAsync(() => Task.FromResult((found = host.Listener.Received.FirstOrDefault(match)) is not null), what);
        return found!;
    }

    private static HttpRequestMessage Editor(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return request;
    }
}
