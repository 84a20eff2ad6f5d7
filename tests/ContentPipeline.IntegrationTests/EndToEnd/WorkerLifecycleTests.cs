using System.Diagnostics;
using System.Net;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The app's table storage behind a proxy that can hang, and a three-second functionTimeout.</summary>
public sealed class SlowStorageFixture : LocalHostFixture
{
    public FaultProxy TableProxy { get; private set; } = null!;

    protected override string ContentStorage =>
        Azurite.ConnectionString.Replace(
            $"TableEndpoint=http://127.0.0.1:{Azurite.TablePort}/devstoreaccount1;",
            $"TableEndpoint={TableProxy.Address.AbsoluteUri}devstoreaccount1;",
            StringComparison.Ordinal);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("LocalHost:FunctionTimeout", "00:00:03"),
        new("Logging:LogLevel:ContentPipeline.LocalHost.Worker.WorkerInvoker", "Warning"),
    ];

    protected override async Task OnAzuriteStartedAsync() => TableProxy = await FaultProxy.StartAsync(Azurite.TablePort);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await TableProxy.DisposeAsync();
    }
}

/// <summary>The worker's life as the host sees it: cancelled invocations, and a worker that dies.</summary>
public sealed class WorkerLifecycleTests(SlowStorageFixture host) : IClassFixture<SlowStorageFixture>
{
    [Fact]
    public async Task ARunOverTheFunctionTimeout_IsCancelledInTheWorker_AndTheBlobIsRetried()
    {
        var file = new ArticleText();
        var id = ArticleId.FromUrl(new Uri(file.Url));
        host.TableProxy.Stalled = true; // every table request hangs
        var before = host.Logs.Lines.Count;
        await host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(file.ToBytes()));

        // The host sends InvocationCancel after three seconds; the worker cancels the run and answers (within the grace).
        await Wait.UntilAsync(
            () => Task.FromResult(host.Logs.Lines.Skip(before).Any(l => l.Contains("IngestArticle failed (invocation", StringComparison.Ordinal))),
            "the run is cancelled",
            TimeSpan.FromSeconds(60));
        var cancelled = host.Logs.Lines.Skip(before).First(l => l.Contains("IngestArticle failed (invocation", StringComparison.Ordinal));
        Assert.Contains("cancel", cancelled, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("did not answer", cancelled, StringComparison.Ordinal);

        host.TableProxy.Stalled = false; // the blob-trigger queue tries the blob again
        await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.OK, "a later try stores the article", TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task AWorkerThatDies_IsStartedAgain_AndServesAgain()
    {
        var status = await host.StatusAsync();
        var pid = status.GetProperty("worker").GetProperty("processId").GetInt32();
        var restarts = status.GetProperty("worker").GetProperty("restarts").GetInt32();

        using (var worker = Process.GetProcessById(pid))
        {
            worker.Kill();
        }

        await Wait.UntilAsync(
            async () => (await host.StatusAsync()) is var now && now.GetProperty("state").GetString() == "Running" && now.GetProperty("worker").GetProperty("processId").GetInt32() != pid,
            "a new worker is running",
            TimeSpan.FromSeconds(60));
        Assert.Equal(restarts + 1, (await host.StatusAsync()).GetProperty("worker").GetProperty("restarts").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/api/openapi.json")).StatusCode);
    }

    private async Task<HttpResponseMessage> EditorGetAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/editor/articles/{id}");
        request.Headers.Add("x-functions-key", LocalHostFixture.FunctionKey);
        return await host.Http.SendAsync(request);
    }
}
