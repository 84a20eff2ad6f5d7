using System.Text.Json;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;
using ContentPipeline.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ContentPipeline.IntegrationTests;

/// <summary>
/// Webhooks against Azurite and real HTTP listeners on this machine: signed deliveries from the queue; payloads that
/// carry an article only when readers may see it; an endpoint that fails, one that hangs, one that answers 500 then 200;
/// the delivery log; and the address policy at connect time.
/// </summary>
public sealed class WebhookTests(WebhookTests.Fixture fixture) : IClassFixture<WebhookTests.Fixture>
{
    private const string Secret = "a-test-secret-of-some-length";

    private WebhookDispatcher Dispatcher => fixture.Services.GetRequiredService<WebhookDispatcher>();

    private WebhookStore Store => fixture.Services.GetRequiredService<WebhookStore>();

    private ArticleStore Articles => fixture.Services.GetRequiredService<ArticleStore>();

    [Fact]
    public async Task APublish_ReachesTheEndpointSigned_AndAnUnpublish_NamesTheArticleOnly()
    {
        await using var listener = await WebhookListener.StartAsync();
        var endpoint = await RegisterAsync(listener, WebhookEvents.Published, WebhookEvents.Unpublished);

        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true, Title = "Signed and sent" });
        var run = await SettledRunAsync();

        Assert.Equal((1, 1), (run.Queued, run.Delivered));
        var published = Assert.Single(listener.Received);
        AssertSigned(published);
        Assert.Equal(WebhookEvents.Published, published.Header(WebhookSignature.EventHeader));
        Assert.Equal("application/json; charset=utf-8", published.Header("Content-Type"));
        using (var json = JsonDocument.Parse(published.Body))
        {
            Assert.Equal(published.Header(WebhookSignature.IdHeader), json.RootElement.GetProperty("id").GetString());
            Assert.Equal(WebhookEvents.Published, json.RootElement.GetProperty("type").GetString());
            Assert.Equal("Signed and sent", json.RootElement.GetProperty("data").GetProperty("article").GetProperty("title").GetString());
        }

        Assert.DoesNotContain("c2VjcmV0", System.Text.Encoding.UTF8.GetString(published.Body), StringComparison.Ordinal); // ArticleText's secured value

        await Articles.SetPublishedAsync(id, false, null, default);
        run = await SettledRunAsync();

        Assert.Equal(1, run.Delivered);
        var unpublished = listener.Received[1];
        AssertSigned(unpublished);
        using (var json = JsonDocument.Parse(unpublished.Body))
        {
            var data = json.RootElement.GetProperty("data");
            Assert.Equal(id, data.GetProperty("articleId").GetString());
            Assert.Equal("draft", data.GetProperty("state").GetString());
            Assert.False(data.TryGetProperty("article", out _)); // readers cannot see it: nothing of its content
        }

        var (log, _) = await Store.ListDeliveriesAsync(endpoint.Id, 10, null, default);
        Assert.Equal([WebhookEvents.Unpublished, WebhookEvents.Published], log.Select(static d => d.Event)); // newest first
        Assert.All(log, static d => Assert.Equal((WebhookDelivery.Delivered, 1, 204), (d.State, d.Attempts, d.LastStatus)));
    }

    [Fact]
    public async Task AnEndpointThatFails_IsTriedAgainWithBackoff_AndAfterTheRetryPeriod_IsKeptAsFailed()
    {
        await using var listener = await WebhookListener.StartAsync(500);
        var endpoint = await RegisterAsync(listener, WebhookEvents.Published);
        await fixture.IngestAsync(new ArticleText { IsPublished = true });

        var first = await SettledRunAsync();
        Assert.Equal((1, 0, 1), (first.Queued, first.Delivered, first.Retrying));
        var pending = await LatestDeliveryAsync(endpoint);
        Assert.Equal((WebhookDelivery.Pending, 1, 500), (pending.State, pending.Attempts, pending.LastStatus));
        Assert.Equal("HTTP 500: something broke on our side", pending.LastError);
        Assert.NotNull(pending.NextAttemptAt);

        await Wait.UntilAsync(async () => (await Dispatcher.RunAsync(default)).Retrying == 1, "the second attempt"); // FirstRetryDelay is 1 s here
        Assert.Equal(2, (await LatestDeliveryAsync(endpoint)).Attempts);

        fixture.Clock.Advance(TimeSpan.FromDays(1));
        await Wait.UntilAsync(async () => (await Dispatcher.RunAsync(default)).Failed == 1, "the last attempt");
        var failed = await LatestDeliveryAsync(endpoint);
        Assert.Equal((WebhookDelivery.Failed, 3), (failed.State, failed.Attempts));
        Assert.Null(failed.NextAttemptAt);
        Assert.Equal(3, listener.Received.Count);
        Assert.Single(listener.Received.Select(static r => r.Header(WebhookSignature.IdHeader)).Distinct()); // one event, three attempts
    }

    [Fact]
    public async Task AnEndpointThatHangs_TimesOut_AndIsTriedAgain()
    {
        await using var listener = await WebhookListener.StartAsync(_ => (200, TimeSpan.FromMinutes(5)));
        var endpoint = await RegisterAsync(listener, WebhookEvents.Published);
        await fixture.IngestAsync(new ArticleText { IsPublished = true });

        var run = await SettledRunAsync();

        Assert.Equal((0, 1), (run.Delivered, run.Retrying));
        var pending = await LatestDeliveryAsync(endpoint);
        Assert.Equal((WebhookDelivery.Pending, null, "No answer within 1 s."), (pending.State, pending.LastStatus, pending.LastError));
    }

    [Fact]
    public async Task AnEndpointThatAnswers500Then200_IsDeliveredOnTheSecondAttempt_WithTheSameEventId()
    {
        await using var listener = await WebhookListener.StartAsync(n => (n == 0 ? 500 : 200, TimeSpan.Zero));
        var endpoint = await RegisterAsync(listener, WebhookEvents.Published);
        await fixture.IngestAsync(new ArticleText { IsPublished = true });

        Assert.Equal(1, (await SettledRunAsync()).Retrying);
        await Wait.UntilAsync(async () => (await Dispatcher.RunAsync(default)).Delivered == 1, "the second attempt");

        var delivered = await LatestDeliveryAsync(endpoint);
        Assert.Equal((WebhookDelivery.Delivered, 2, 200), (delivered.State, delivered.Attempts, delivered.LastStatus));
        Assert.Equal(2, listener.Received.Count);
        Assert.All(listener.Received, AssertSigned);
        Assert.Single(listener.Received.Select(static r => r.Header(WebhookSignature.IdHeader)).Distinct());
    }

    [Fact]
    public async Task AnArticleTooLargeForTheQueue_IsAnnouncedWithoutItsContent()
    {
        await using var listener = await WebhookListener.StartAsync();
        await RegisterAsync(listener, WebhookEvents.Published);
        var id = await fixture.IngestAsync(new ArticleText { IsPublished = true, Excerpt = string.Concat(Enumerable.Repeat("\"<&", 3300)) }); // escaped thrice as long in JSON

        var run = await SettledRunAsync();

        Assert.Equal(1, run.Delivered);
        using var json = JsonDocument.Parse(Assert.Single(listener.Received).Body);
        var data = json.RootElement.GetProperty("data");
        Assert.Equal((id, "published"), (data.GetProperty("articleId").GetString(), data.GetProperty("state").GetString()));
        Assert.False(data.TryGetProperty("article", out _)); // the receiver reads it from the API
    }

    [Fact]
    public async Task WithoutThePrivateNetworkSetting_ANameThatResolvesToLoopback_IsRefusedAtConnect()
    {
        await using var listener = await WebhookListener.StartAsync();
        using var sender = new WebhookSender(Options.Create(new WebhookOptions { Timeout = TimeSpan.FromSeconds(2) }), fixture.Clock);
        var endpoint = new WebhookEndpoint("0123456789abcdef0123", new UriBuilder(listener.Url) { Host = "localhost" }.Uri, [WebhookEvents.Published], Secret, null, fixture.Clock.GetUtcNow());

        var attempt = await sender.SendAsync(endpoint, new WebhookMessage("d", endpoint.Id, "e", WebhookEvents.Published, "{}", fixture.Clock.GetUtcNow(), 0), default);

        Assert.False(attempt.Delivered);
        Assert.Equal("Refused: localhost resolves to no public address.", attempt.Error);
        Assert.Empty(listener.Received);
    }

    /// <summary>Registers an endpoint (the others of this class are removed), after a run that sets the dispatcher's place.</summary>
    private async Task<WebhookEndpoint> RegisterAsync(WebhookListener listener, params string[] events)
    {
        foreach (var other in await Store.ListEndpointsAsync(default))
        {
            await Store.DeleteEndpointAsync(other.Id, default);
        }

        await SettledRunAsync(); // what earlier tests changed goes by (to nobody)
        return await fixture.Services.GetRequiredService<WebhookRegistry>().RegisterAsync(new WebhookRegistration(listener.Url.AbsoluteUri, events, Secret, "a test"), default);
    }

    /// <summary>A run once the changes so far have settled in the change log.</summary>
    private async Task<WebhookRunResult> SettledRunAsync()
    {
        await fixture.Services.IndexSettledAsync();
        fixture.Clock.Advance(Changes.ChangeLog.SettleTime + TimeSpan.FromSeconds(1));
        return await Dispatcher.RunAsync(default);
    }

    private async Task<WebhookDelivery> LatestDeliveryAsync(WebhookEndpoint endpoint) =>
        (await Store.ListDeliveriesAsync(endpoint.Id, 1, null, default)).Items[0];

    private void AssertSigned(WebhookRequest request) =>
        Assert.True(WebhookSignature.Verify(Secret, request.Header(WebhookSignature.TimestampHeader), request.Header(WebhookSignature.SignatureHeader), request.Body, fixture.Clock.GetUtcNow()),
            "the signature checks out with the endpoint's secret, within the replay window");

    /// <summary>Local endpoints allowed; quick retries and a short timeout, so the tests need not wait.</summary>
    public sealed class Fixture : PipelineFixture
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("Webhooks:AllowPrivateNetworks", "true"),
            new("Webhooks:FirstRetryDelay", "00:00:01"),
            new("Webhooks:Timeout", "00:00:01"),
        ];
    }
}
