using System.Net;
using System.Text.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.Storage;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// The app's table storage behind a <see cref="StorageProxy"/> that can hold the index's list writes (entries and
/// catalog rows; never the pending records), so a save is caught between its commit and its index update.
/// </summary>
public abstract class HeldIndexWritesFixture : TableProxyFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Logging:LogLevel:ContentPipeline.Feeds.FeedPublisher", "Information"),
    ];

    /// <summary>Holds every list write from now until the gate is released.</summary>
    public Gate HoldListWrites()
    {
        var gate = new Gate();
        TableProxy.Policy = async request =>
        {
            if (request.WritesTo(StorageNames.IndexTable) && !request.Touches(IndexPartitions.Pending))
            {
                gate.Arrived();
                await gate.Released;
            }

            return null;
        };
        return gate;
    }

    public sealed class Gate
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the first list write is held.</summary>
        public Task Held => _held.Task;

        public Task Released => _released.Task;

        public void Arrived() => _held.TrySetResult();

        public void Release() => _released.TrySetResult();
    }
}

/// <summary>No repair timer here (once a year): what mends a save is the save itself.</summary>
public sealed class AbortedRequestFixture : HeldIndexWritesFixture;

/// <summary>A three-second functionTimeout, and the repair timer every second over records a second old.</summary>
public sealed class RepairTimerFixture : HeldIndexWritesFixture
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        .. base.Settings,
        new("LocalHost:FunctionTimeout", "00:00:03"),
        new("Values:RepairSchedule", "* * * * * *"),
        new("Values:Repair__MinAge", "00:00:01"),
    ];
}

/// <summary>Shared steps of the two interrupted-takedown tests.</summary>
internal static class Takedowns
{
    public static async Task<(ArticleText File, string Id)> PublishAsync(LocalHostFixture host)
    {
        var file = new ArticleText { IsPublished = true, Category = $"held-{Guid.NewGuid():N}"[..12] };
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));
        var id = ArticleId.FromUrl(new Uri(file.Url));
        await Wait.UntilAsync(async () => (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode == HttpStatusCode.OK, "the article is served");
        await host.RunFeedsUntilAsync(file.Category, id);

        // Until a feed run finds nothing changed, the next run re-reads the lists this upload touched anyway (a run
        // reads again what changed within a margin before it): only a catalog row written later can reach the feeds.
        await Wait.UntilAsync(
            async () =>
            {
                var unchanged = host.Logs.Lines.Count(l => l.Contains("Feeds unchanged", StringComparison.Ordinal));
                await host.RunFeedsAsync();
                return host.Logs.Lines.Count(l => l.Contains("Feeds unchanged", StringComparison.Ordinal)) > unchanged;
            },
            "a feed run finds nothing changed");
        return (file, id);
    }

    /// <summary>An editor's takedown through <paramref name="client"/>: the host's own (contract-checked) unless the host's answer is what is tested.</summary>
    public static async Task<HttpResponseMessage> TakeDownAsync(HttpClient client, string id, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/articles/{id}?reason=held");
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return await client.SendAsync(request, cancellationToken);
    }

    /// <summary>What a reader sees, with nobody acting but the timers: not in its list, not in its feed, not served.</summary>
    public static async Task GoneForReadersAsync(LocalHostFixture host, ArticleText file, string id)
    {
        await Wait.UntilAsync(
            async () => !(await host.Http.GetStringAsync($"/api/articles?category={file.Category}")).Contains(id, StringComparison.Ordinal),
            "the article leaves its list",
            TimeSpan.FromSeconds(60));
        await Wait.UntilAsync(
            async () =>
            {
                await host.RunFeedsAsync(); // the feed timer's run
                return !(await host.CategoryFeedAsync(file.Category)).Contains(id, StringComparison.Ordinal);
            },
            "the article leaves its feed",
            TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync($"/api/articles/{id}")).StatusCode);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/editor/articles/{id}");
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        using var editor = await host.Http.SendAsync(request);
        Assert.Equal("taken-down", JsonDocument.Parse(await editor.Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString());
    }
}

/// <summary>An editor's takedown whose client disconnects after the commit, as a browser tab closed mid-request.</summary>
public sealed class AbortedTakedownTests(AbortedRequestFixture host) : IClassFixture<AbortedRequestFixture>
{
    [Fact]
    public async Task ATakedownWhoseClientDisconnectsAfterItsCommit_StillLeavesTheListsAndTheFeeds()
    {
        var (file, id) = await Takedowns.PublishAsync(host);
        var gate = host.HoldListWrites();
        var failedBefore = await host.FailedAsync("TakeDownArticle");
        using var disconnect = new CancellationTokenSource();
        var takedown = Takedowns.TakeDownAsync(host.Http, id, disconnect.Token);
        await gate.Held.WaitAsync(TimeSpan.FromSeconds(30)); // committed: its index update is under way

        await disconnect.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => takedown);

        // The host cancels the invocation (the function's token) and, once the worker's grace is over, counts it failed.
        await Wait.UntilAsync(async () => await host.FailedAsync("TakeDownArticle") > failedBefore, "the host gave up on the cancelled invocation", TimeSpan.FromSeconds(30));
        gate.Release();
        host.TableProxy.Policy = null;

        await Takedowns.GoneForReadersAsync(host, file, id);
    }
}

/// <summary>An editor's takedown whose worker is restarted (functionTimeout) between its commit and its index update.</summary>
public sealed class RepairTimerTests(RepairTimerFixture host) : IClassFixture<RepairTimerFixture>
{
    [Fact]
    public async Task ATakedownCutShortByAWorkerRestart_IsMendedByTheRepairTimer_WithNobodyActing()
    {
        var (file, id) = await Takedowns.PublishAsync(host);
        var pid = (await host.StatusAsync()).GetProperty("worker").GetProperty("processId").GetInt32();
        var gate = host.HoldListWrites();

        // Not the contract-checked client: a failed invocation's bare 500 is the host's answer, not the app's.
        using var raw = new HttpClient { BaseAddress = host.BaseUrl };
        using var reply = await Takedowns.TakeDownAsync(raw, id, CancellationToken.None);

        // The function outlived functionTimeout: the worker was restarted and the takedown failed with it.
        Assert.True(gate.Held.IsCompleted, "the takedown committed and reached its index update");
        Assert.Equal(HttpStatusCode.InternalServerError, reply.StatusCode);
        await Wait.UntilAsync(async () => (await host.StatusAsync()) is var s && s.GetProperty("state").GetString() == "Running" && s.GetProperty("worker").GetProperty("processId").GetInt32() != pid, "a new worker runs");
        gate.Release();
        host.TableProxy.Policy = null;

        await Takedowns.GoneForReadersAsync(host, file, id);
    }
}
