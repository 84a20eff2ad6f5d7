using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ContentPipeline.Articles;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost.Blobs;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>The app's table storage behind a proxy that can hang, and a three-second functionTimeout.</summary>
public sealed class SlowStorageFixture : LocalHostFixture
{
    public FaultProxy TableProxy { get; private set; } = null!;

    protected override string ContentStorage => TablesThrough(TableProxy.Address);

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
    public async Task ARunOverTheFunctionTimeout_RestartsTheWorker_FailingEveryRunInFlight_AndEveryBlobIsStoredOnItsRetry()
    {
        var files = Enumerable.Range(0, 8).Select(_ => new ArticleText()).ToList();
        var status = await host.StatusAsync();
        var pid = status.GetProperty("worker").GetProperty("processId").GetInt32();
        var failedBefore = await host.FailedAsync("IngestArticle");
        host.TableProxy.Stalled = true; // every table request hangs
        var before = host.Logs.Lines.Count;
        await Task.WhenAll(files.Select(f => host.Incoming.GetBlobClient($"{Guid.NewGuid():N}.txt").UploadAsync(BinaryData.FromBytes(f.ToBytes()))));
        // As Azure's host does, this one receives a batch (5 with this app's parallelism of 8) whenever no more than the
        // rest (3) run: with every run hanging, more than 3 end up in flight, and the others wait in the queue.
        const int parallelism = 8;
        var threshold = parallelism - BlobTriggerQueueListener.BatchSize(parallelism);
        var inFlight = 0L;
        await Wait.UntilAsync(
            async () => (inFlight = await host.InvocationsAsync("IngestArticle") - await host.SucceededAsync("IngestArticle") - failedBefore) > threshold,
            "more runs under way than the new-batch threshold");

        // As on Azure: after three seconds the host restarts the worker (no grace), and every run in flight fails with it.
        await Wait.UntilAsync(
            async () => (await host.StatusAsync()).GetProperty("worker").GetProperty("processId").GetInt32() != pid && await host.FailedAsync("IngestArticle") >= failedBefore + inFlight,
            "the worker is restarted and every run in flight failed",
            TimeSpan.FromSeconds(60));
        Assert.Contains(host.Logs.Lines.Skip(before), l => l.Contains("outlived functionTimeout", StringComparison.Ordinal));
        Assert.Contains(host.Logs.Lines.Skip(before), l => l.Contains("IngestArticle failed (invocation", StringComparison.Ordinal) && l.Contains("functionTimeout", StringComparison.Ordinal));

        host.TableProxy.Stalled = false; // the blob-trigger queue tries each blob again
        foreach (var file in files)
        {
            var id = ArticleId.FromUrl(new Uri(file.Url));
            await Wait.UntilAsync(async () => (await EditorGetAsync(id)).StatusCode == HttpStatusCode.OK, "a later try stores the article", TimeSpan.FromSeconds(60));
            Assert.Equal(1, (await (await EditorGetAsync(id)).Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("version").GetInt64());
        }
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
