using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using ContentPipeline.IntegrationTests.Contract;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost;
using ContentPipeline.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// A real Azurite and the local Functions host on free ports, the host running the published app as a worker process
/// over the host-worker gRPC protocol; driven only through their public doors: blob uploads with the Storage SDK, HTTP
/// calls, the Event Grid webhook, the admin API.
/// </summary>
public class LocalHostFixture : IAsyncLifetime
{
    public const string FunctionKey = "test-function-key";
    public const string MasterKey = "test-master-key";
    public const string BlobsExtensionKey = "test-blobs-extension-key";
    public const string EventGridExtensionKey = "test-eventgrid-extension-key";

    private WebApplication? _host;

    public Azurite Azurite { get; private set; } = null!;

    /// <summary>A client of the host; every API response it gets is checked against openapi.json.</summary>
    public HttpClient Http { get; private set; } = null!;

    public Uri BaseUrl { get; private set; } = null!;

    public BlobServiceClient Blobs { get; private set; } = null!;

    public TableServiceClient Tables { get; private set; } = null!;

    public BlobContainerClient Incoming => Blobs.GetBlobContainerClient(StorageNames.IncomingContainer);

    public BlobContainerClient Rejected => Blobs.GetBlobContainerClient(StorageNames.RejectedContainer);

    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings => [];

    /// <summary>
    /// Healing in seconds, for fixtures whose storage fails: the re-driver every two seconds with a two-second backoff
    /// (never giving up), and the Azure SDK told not to retry, so a failed request fails at once, as after its retries.
    /// </summary>
    protected static IEnumerable<KeyValuePair<string, string?>> QuickRedrive =>
    [
        new("Values:RedriveSchedule", "*/2 * * * * *"),
        new("Values:Redrive__Backoff", "00:00:02"),
        new("Values:Redrive__Interval", "00:00:02"),
        new("Values:Redrive__MaxAttempts", "1000"),
        new("Values:AzureDefaults__Retry__MaxRetries", "0"),
    ];

    /// <summary>Whether this host raises Event Grid's blob events itself (see <c>LocalHost:RaiseBlobEvents</c>).</summary>
    protected virtual bool RaisesBlobEvents => true;

    /// <summary>The Functions app as azd deploys it: published next to the tests by the build.</summary>
    public static string AppPath { get; } = Path.Combine(AppContext.BaseDirectory, "functions-app");

    /// <summary>Every log line of the host, for the fixtures that log below Warning (see <see cref="Settings"/>).</summary>
    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        Azurite = await Azurite.StartAsync();
        Blobs = new BlobServiceClient(Azurite.ConnectionString);
        Tables = new TableServiceClient(Azurite.ConnectionString);
        await OnAzuriteStartedAsync();
        await StartHostAsync();
    }

    /// <summary>The app's storage connection (a fixture may route part of it through a proxy).</summary>
    protected virtual string ContentStorage => Azurite.ConnectionString;

    /// <summary>Azurite's connection string with its table endpoint at <paramref name="proxy"/> (a proxy in front of Azurite's).</summary>
    protected string TablesThrough(Uri proxy)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        return Azurite.ConnectionString.Replace(
            $"TableEndpoint=http://127.0.0.1:{Azurite.TablePort}/devstoreaccount1;",
            $"TableEndpoint={proxy.AbsoluteUri}devstoreaccount1;",
            StringComparison.Ordinal);
    }

    /// <summary>Runs once Azurite listens, before the host starts.</summary>
    protected virtual Task OnAzuriteStartedAsync() => Task.CompletedTask;

    public virtual async Task DisposeAsync()
    {
        await StopHostAsync();
        Http?.Dispose();
        await Azurite.DisposeAsync();
    }

    /// <summary>Stops the host and starts a new one on the same storage, as a restart or a redeploy does.</summary>
    public async Task RestartHostAsync()
    {
        await StopHostAsync();
        await StartHostAsync();
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/host/status");
        request.Headers.Add("x-functions-key", MasterKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    public async Task<long> InvocationsAsync(string function) => Invocations(await StatusAsync(), function, "started");

    public async Task<long> SucceededAsync(string function) => Invocations(await StatusAsync(), function, "succeeded");

    public async Task<long> FailedAsync(string function) => Invocations(await StatusAsync(), function, "failed");

    /// <summary>One count (<c>started</c>, <c>succeeded</c>, <c>failed</c>) of a function's invocations in a host's status.</summary>
    public static long Invocations(JsonElement status, string function, string count) =>
        status.GetProperty("functions").EnumerateArray()
            .Single(f => f.GetProperty("name").GetString() == function)
            .GetProperty("invocations").GetProperty(count).GetInt64();

    /// <summary>Runs the feed timer through the admin API, as an operator would, and waits for the run to end.</summary>
    public Task RunFeedsAsync() => RunTimerAsync("PublishFeeds");

    /// <summary>
    /// Runs a timer-triggered function now, through the admin API, and waits until that run succeeded. A run that failed
    /// is run again, as an operator would, at most <see cref="TimerAttempts"/> times: on a loaded machine a run can outlast
    /// a host whose function timeout a test cut to seconds. Its failures stay in the host's log and status.
    /// </summary>
    public async Task RunTimerAsync(string function)
    {
        for (var attempt = 1; ; attempt++)
        {
            var status = await StatusAsync();
            var (succeeded, failed) = (Invocations(status, function, "succeeded"), Invocations(status, function, "failed"));
            using var run = new HttpRequestMessage(HttpMethod.Post, $"/admin/functions/{function}") { Content = JsonContent.Create(new { input = string.Empty }) };
            run.Headers.Add("x-functions-key", MasterKey);
            using var accepted = await Http.SendAsync(run);
            if (accepted.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"The admin API answered {(int)accepted.StatusCode} to a run of {function}.");
            }

            await Wait.UntilAsync(
                async () => (await StatusAsync()) is var now && (Invocations(now, function, "succeeded") > succeeded || Invocations(now, function, "failed") > failed),
                $"the run of {function} ended");
            if (await SucceededAsync(function) > succeeded)
            {
                return;
            }

            if (attempt == TimerAttempts)
            {
                throw new InvalidOperationException($"{TimerAttempts} runs of {function} in a row failed; the host's log says why.");
            }
        }
    }

    private const int TimerAttempts = 3;

    /// <summary>
    /// Runs the feed timer until <paramref name="id"/> is in (or, <paramref name="present"/> false, out of) the category's
    /// published feed: an article is served once it is committed, and its index entries follow behind the answer, so the
    /// feed may need a run more.
    /// </summary>
    public Task RunFeedsUntilAsync(string category, string id, bool present = true) =>
        Wait.UntilAsync(
            async () =>
            {
                await RunFeedsAsync();
                return (await CategoryFeedAsync(category)).Contains(id, StringComparison.Ordinal) == present;
            },
            present ? $"{id} reaches the feed of {category}" : $"{id} leaves the feed of {category}");

    /// <summary>A category's JSON Feed as published, or empty when there is none.</summary>
    public async Task<string> CategoryFeedAsync(string category)
    {
        var feed = Blobs.GetBlobContainerClient(StorageNames.FeedsContainer).GetBlobClient($"category/{category}.json");
        return (await feed.ExistsAsync()).Value ? (await feed.DownloadContentAsync()).Value.Content.ToString() : string.Empty;
    }

    /// <summary>Messages waiting on the host's blob-trigger queue (visible or not).</summary>
    public async Task<int> BlobTriggerQueueLengthAsync()
    {
        var queue = new Azure.Storage.Queues.QueueClient(Azurite.ConnectionString, "azure-webjobs-blobtrigger-contentpipeline-local");
        return (await queue.ExistsAsync()).Value ? (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount : 0;
    }

    private async Task StartHostAsync()
    {
        KeyValuePair<string, string?>[] defaults =
        [
            new("LocalHost:AppPath", AppPath),
            new("Values:ContentStorage", ContentStorage),
            new("Values:AzureWebJobsStorage", Azurite.ConnectionString),
            new("Values:FeedSchedule", "0 0 0 1 1 *"), // once a year: timer runs here come from the admin API,
            new("Values:RedriveSchedule", "0 0 0 1 1 *"), // unless a fixture sets a schedule of its own
            new("Values:SweepSchedule", "0 0 0 1 1 *"),
            new("Values:TransitionSchedule", "0 0 0 1 1 *"),
            new("Values:RepairSchedule", "0 0 0 1 1 *"),
            new("Values:WebhookSchedule", "0 0 0 1 1 *"),
            new("Values:Index__CatalogInterval", "00:00:00"), // each change's catalog row at once: a feed run right after sees it
            new("LocalHost:Keys:Function", FunctionKey),
            new("LocalHost:Keys:Master", MasterKey),
            new("LocalHost:Keys:BlobsExtension", BlobsExtensionKey),
            new("LocalHost:Keys:EventGridExtension", EventGridExtensionKey),
            new("LocalHost:WatchInterval", "00:00:00.200"),
            new("LocalHost:ListenerLockPeriod", "00:00:15"), // the shortest blob lease: a host stopped outright hands its timers on soon
            new("LocalHost:ListenerLockRecoveryPollingInterval", "00:00:01"),
            new("LocalHost:MaxQueuePollingInterval", "00:00:02"),
            new("Logging:LogLevel:Default", "Warning"),
        ];
        _host = LocalFunctionsHost.Build(
            ["--urls", "http://127.0.0.1:0"],
            config => config.AddInMemoryCollection(defaults).AddInMemoryCollection(Settings), // a fixture's own settings win
            logging => logging.AddProvider(Logs));
        await _host.StartAsync();
        BaseUrl = new Uri(_host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Http?.Dispose();
        Http = new HttpClient(new ContractCheckingHandler(ApiContract.Instance)) { BaseAddress = BaseUrl };
        await Wait.UntilAsync(
            async () => (await StatusAsync()) is var status && status.GetProperty("state").GetString() == "Running" && status.GetProperty("blobScans").GetInt64() >= (RaisesBlobEvents ? 1 : 0),
            "the worker is ready and the containers were scanned once",
            TimeSpan.FromSeconds(90));
    }

    private async Task StopHostAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            await _host.DisposeAsync();
            _host = null;
        }
    }
}
