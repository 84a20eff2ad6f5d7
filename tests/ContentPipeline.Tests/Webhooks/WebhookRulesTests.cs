using System.Net;
using System.Text;
using ContentPipeline.Articles;
using ContentPipeline.Changes;
using ContentPipeline.Webhooks;

namespace ContentPipeline.Tests.Webhooks;

/// <summary>The webhooks' rules: which URLs and addresses deliveries may reach, how signatures check, which change is which event.</summary>
public sealed class WebhookRulesTests
{
    [Theory]
    [InlineData("https://hooks.example.com/in", null)]
    [InlineData("https://hooks.example.com:8443/in?x=1", null)]
    [InlineData("http://hooks.example.com/in", "https")]
    [InlineData("https://127.0.0.1/in", "public address")]
    [InlineData("https://localhost/in", "public address")]
    [InlineData("https://api.localhost/in", "public address")]
    [InlineData("https://10.1.2.3/in", "public address")]
    [InlineData("https://172.16.0.1/in", "public address")]
    [InlineData("https://192.168.1.1/in", "public address")]
    [InlineData("https://169.254.169.254/metadata", "public address")]
    [InlineData("https://100.64.0.1/in", "public address")]
    [InlineData("https://[::1]/in", "public address")]
    [InlineData("https://[fd00::1]/in", "public address")]
    [InlineData("https://[fe80::1]/in", "public address")]
    [InlineData("https://[::ffff:10.0.0.1]/in", "public address")]
    [InlineData("https://intranet/in", "public address")]
    [InlineData("https://user:pass@hooks.example.com/in", "credentials")]
    [InlineData("https://hooks.example.com/in#x", "credentials")]
    [InlineData("ftp://hooks.example.com/in", "https")]
    [InlineData("/relative", "https")] // on Linux, an absolute file: URI
    [InlineData("", "absolute")]
    public void InProduction_OnlyHttpsOnAPublicAddress_IsAnEndpoint(string url, string? problem)
    {
        var found = WebhookUrlPolicy.Problem(url, allowPrivateNetworks: false, out var parsed);

        if (problem is null)
        {
            Assert.Null(found);
            Assert.NotNull(parsed);
        }
        else
        {
            Assert.Contains(problem, found, StringComparison.Ordinal);
            Assert.Null(parsed);
        }
    }

    [Theory]
    [InlineData("http://127.0.0.1:5000/in")]
    [InlineData("http://localhost/in")]
    [InlineData("https://10.1.2.3/in")]
    public void WithThePrivateNetworkSetting_LocalEndpointsAreTaken(string url) =>
        Assert.Null(WebhookUrlPolicy.Problem(url, allowPrivateNetworks: true, out _));

    [Theory]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("169.254.169.254", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("::ffff:192.168.0.1", false)]
    [InlineData("fc00::1", false)]
    [InlineData("::a00:1", false)] // IPv4-compatible 10.0.0.1
    [InlineData("64:ff9b::a9fe:a9fe", false)] // NAT64 of 169.254.169.254
    [InlineData("64:ff9b::5db8:d822", true)] // NAT64 of 93.184.216.34
    [InlineData("2002:c0a8:0101::1", false)] // 6to4 of 192.168.1.1
    [InlineData("168.63.129.16", false)] // Azure's platform endpoint
    public void OnlyPublicAddresses_AreReachedInProduction(string address, bool allowed) =>
        Assert.Equal(allowed, WebhookUrlPolicy.Allows(IPAddress.Parse(address), allowPrivateNetworks: false));

    [Fact]
    public void ASignature_ChecksOutWithTheSecret_AndNotWithAnyChange_OrOutsideTheReplayWindow()
    {
        var now = new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);
        var body = Encoding.UTF8.GetBytes("{\"id\":\"x\"}");
        var timestamp = now.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign("the-secret-of-the-endpoint", timestamp, body);
        var stamp = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.StartsWith("v1=", signature, StringComparison.Ordinal);
        Assert.Equal(3 + 64, signature.Length);
        Assert.True(WebhookSignature.Verify("the-secret-of-the-endpoint", stamp, signature, body, now.AddMinutes(4)));
        Assert.False(WebhookSignature.Verify("another-secret-altogether", stamp, signature, body, now));
        Assert.False(WebhookSignature.Verify("the-secret-of-the-endpoint", stamp, signature, Encoding.UTF8.GetBytes("{\"id\":\"y\"}"), now));
        Assert.False(WebhookSignature.Verify("the-secret-of-the-endpoint", (timestamp + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, now));
        Assert.False(WebhookSignature.Verify("the-secret-of-the-endpoint", stamp, signature, body, now.AddMinutes(6))); // a replay, later
    }

    [Theory]
    [InlineData(null, ArticleState.Published, WebhookEvents.Published)]
    [InlineData(ArticleState.Draft, ArticleState.Published, WebhookEvents.Published)]
    [InlineData(ArticleState.Scheduled, ArticleState.Published, WebhookEvents.Published)]
    [InlineData(ArticleState.Published, ArticleState.Published, null)] // an edit
    [InlineData(ArticleState.Published, ArticleState.Draft, WebhookEvents.Unpublished)]
    [InlineData(ArticleState.Scheduled, ArticleState.Draft, WebhookEvents.Unpublished)]
    [InlineData(ArticleState.Draft, ArticleState.Draft, null)]
    [InlineData(null, ArticleState.Draft, null)] // a new draft
    [InlineData(ArticleState.Draft, ArticleState.Scheduled, WebhookEvents.Scheduled)]
    [InlineData(ArticleState.Published, ArticleState.Expired, WebhookEvents.Expired)]
    [InlineData(ArticleState.Published, ArticleState.TakenDown, WebhookEvents.TakenDown)]
    [InlineData(ArticleState.TakenDown, ArticleState.Published, WebhookEvents.Restored)]
    [InlineData(ArticleState.TakenDown, ArticleState.Removed, WebhookEvents.Removed)] // lifted, but its file is gone: readers still cannot see it
    [InlineData(ArticleState.Published, ArticleState.Removed, WebhookEvents.Removed)]
    [InlineData(ArticleState.Draft, ArticleState.Removed, WebhookEvents.Removed)]
    public void EachChangeOfState_IsItsEvent(ArticleState? from, ArticleState to, string? expected) =>
        Assert.Equal(expected, WebhookEvents.Of(new ArticleChange("k", "0123456789abcdef0123", 2, from, to, DateTimeOffset.UnixEpoch, null)));
}
