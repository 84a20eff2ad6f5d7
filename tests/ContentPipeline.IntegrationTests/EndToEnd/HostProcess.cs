using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using ContentPipeline.IntegrationTests.Infrastructure;

namespace ContentPipeline.IntegrationTests.EndToEnd;

/// <summary>
/// One instance of the local host as its own process (what <c>INSTANCES=N ./scripts/run.sh</c> starts), on a storage
/// account shared with the others: started, killed outright (<c>kill -9</c>) and started again on the same port.
/// Timers heal in seconds (re-driver, sweep, repair) and the singleton lease is the shortest blob lease; an idle
/// instance polls the blob-trigger queue every 2 seconds at most, unless <c>azurePolling</c> asks for Azure's minute.
/// </summary>
public sealed class HostProcess(string instanceId, string storage, Uri? frontDoor = null, bool azurePolling = false) : IDisposable
{
    private readonly int _port = Azurite.FreePort();
    private Process? _process;

    /// <summary>The instance's own address (a front door forwards to it).</summary>
    public Uri Url => new($"http://127.0.0.1:{_port}");

    public HttpClient Http { get; private set; } = null!;

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "ContentPipeline.LocalHost.dll"),
            "--urls", $"http://127.0.0.1:{_port}",
            $"--LocalHost:AppPath={LocalHostFixture.AppPath}",
            $"--LocalHost:InstanceId={instanceId}",
            "--LocalHost:ListenerLockPeriod=00:00:15",
            "--LocalHost:ListenerLockRecoveryPollingInterval=00:00:01",
            "--LocalHost:WatchInterval=00:00:00.500",
            $"--LocalHost:MaxQueuePollingInterval={(azurePolling ? "00:01:00" : "00:00:02")}",
            $"--LocalHost:Keys:Master={LocalHostFixture.MasterKey}",
            $"--LocalHost:Keys:Function={LocalHostFixture.FunctionKey}",
            $"--LocalHost:Keys:BlobsExtension={LocalHostFixture.BlobsExtensionKey}",
            $"--LocalHost:Keys:EventGridExtension={LocalHostFixture.EventGridExtensionKey}",
            $"--Values:ContentStorage={storage}",
            $"--Values:AzureWebJobsStorage={storage}",
            "--Values:FeedSchedule=0 0 0 1 1 *",
            "--Values:TransitionSchedule=0 0 0 1 1 *",
            "--Values:WebhookSchedule=0 0 0 1 1 *",
            "--Values:RedriveSchedule=*/2 * * * * *",
            "--Values:Redrive__Backoff=00:00:02",
            "--Values:Redrive__Interval=00:00:02",
            "--Values:Redrive__MaxAttempts=1000",
            "--Values:SweepSchedule=*/10 * * * * *",
            "--Values:Sweep__MinAge=00:00:10",
            "--Values:RepairSchedule=*/5 * * * * *",
            "--Values:Repair__MinAge=00:00:20",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (frontDoor is not null)
        {
            start.ArgumentList.Add($"--LocalHost:FrontUrl={frontDoor}");
        }

        _process?.Dispose(); // a restart: the killed process's handle
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Http?.Dispose();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        Http.DefaultRequestHeaders.Add("x-functions-key", LocalHostFixture.MasterKey);
    }

    /// <summary>A front door (<c>ContentPipeline.LocalHost --front</c>) on <paramref name="port"/> spreading requests over <paramref name="instances"/>.</summary>
    public static Process StartFrontDoor(int port, IEnumerable<HostProcess> instances)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "ContentPipeline.LocalHost.dll"), "--front", string.Join(',', instances.Select(i => i.Url.AbsoluteUri.TrimEnd('/'))), "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Ingest invocations this instance's worker finished successfully.</summary>
    public async Task<long> IngestsAsync() =>
        LocalHostFixture.Invocations(await Http.GetFromJsonAsync<JsonElement>("/admin/host/status"), "IngestArticle", "succeeded");

    /// <summary>Waits until the host runs its worker; returns the worker's process id.</summary>
    public async Task<int> WhenRunningAsync()
    {
        int? worker = null;
        await Wait.UntilAsync(
            async () =>
            {
                try
                {
                    var status = await Http.GetFromJsonAsync<JsonElement>("/admin/host/status");
                    worker = status.GetProperty("state").GetString() == "Running" ? status.GetProperty("worker").GetProperty("processId").GetInt32() : null;
                    return worker is not null;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            $"{instanceId} runs its worker",
            TimeSpan.FromSeconds(90));
        return worker!.Value;
    }

    /// <summary>SIGKILL: the host cannot stop its worker, release its leases or give its messages back.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    public static bool HasExited(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        Http?.Dispose();
    }
}
