using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Azure.Storage.Blobs;
using ContentPipeline.Diagnostics;
using ContentPipeline.Feeds;
using ContentPipeline.Ingest;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Events;
using ContentPipeline.Storage;
using ContentPipeline.Webhooks;

namespace ContentPipeline.Benchmarks;

/// <summary>
/// One instance of the local Functions host as its own process (it starts the published app as its worker), on a
/// storage account it may share with other instances: what the benchmarks drive, as an uploader and Event Grid would.
/// </summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string MasterKey = "bench-master-key";
    private const string BlobsExtensionKey = "bench-blobs-extension-key";
    private const string IngestFunction = "IngestArticle";
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private BenchHost(string connectionString, string instanceId, string? stageTimingsFile)
    {
        Url = $"http://127.0.0.1:{FreePort()}";
        Http = new HttpClient { BaseAddress = new Uri(Url) };
        var dll = Path.Combine(Azurite.RepositoryRoot(), "src", "ContentPipeline.LocalHost", "bin", "Release", "net10.0", "ContentPipeline.LocalHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"Build the local host first (dotnet build -c Release): {dll} is missing.");
        }

        var app = Path.Combine(Azurite.RepositoryRoot(), "artifacts", "functions");
        if (!File.Exists(Path.Combine(app, "functions.metadata")))
        {
            throw new InvalidOperationException($"Publish the Functions app first (scripts/bench.sh does): {app} has no functions.metadata.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, "--urls", Url, $"--LocalHost:AppPath={app}", $"--LocalHost:InstanceId={instanceId}" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["ContentStorage"] = connectionString;
        start.Environment["AzureWebJobsStorage"] = connectionString;
        // Every timer once a year: feed runs are measured on their own, and nothing else may run during the ingest.
        foreach (var schedule in new[] { FeedOptions.ScheduleSetting, RedriveOptions.ScheduleSetting, SweepOptions.ScheduleSetting, TransitionOptions.ScheduleSetting, RepairOptions.ScheduleSetting, WebhookOptions.ScheduleSetting })
        {
            start.Environment[schedule] = "0 0 0 1 1 *";
        }

        start.Environment["LocalHost__Keys__Master"] = MasterKey;
        start.Environment["LocalHost__Keys__BlobsExtension"] = BlobsExtensionKey;
        start.Environment["LocalHost__RaiseBlobEvents"] = "false"; // the bench posts the events itself
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        if (stageTimingsFile is not null)
        {
            start.Environment["StageTimingsFile"] = stageTimingsFile; // the worker writes its stages there every second
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException("The host did not start.");
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Url { get; }

    public HttpClient Http { get; }

    /// <summary>The host's process (its worker is another).</summary>
    public Process Process => _process;

    /// <summary>The worker's process id, once the host runs it.</summary>
    public int? WorkerProcessId { get; private set; }

    /// <summary>The host's first lines of output (warnings and errors: the host logs nothing below).</summary>
    public IEnumerable<string> Log => _log;

    /// <summary>Starts a host and waits until it runs its worker.</summary>
    public static async Task<BenchHost> StartAsync(string connectionString, string instanceId = "bench", string? stageTimingsFile = null)
    {
        var host = new BenchHost(connectionString, instanceId, stageTimingsFile);
        try
        {
            await WaitUntilAsync(async () => (host.WorkerProcessId = await host.RunningWorkerAsync()) is not null, TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            Console.Error.WriteLine("The local host did not get ready; its log:");
            Console.Error.WriteLine(string.Join(Environment.NewLine, host._log));
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>Posts a BlobCreated notification for every named file to the host's blobs webhook, 100 per post, as Event Grid delivers them.</summary>
    public async Task AnnounceAsync(BlobContainerClient incoming, IEnumerable<string> names)
    {
        foreach (var chunk in names.Chunk(100))
        {
            var events = chunk.Select(name => StorageBlobEvent.Create(StorageBlobEvent.Created, "PutBlob", incoming.AccountName, incoming.Name, name, incoming.GetBlobClient(name).Uri, eTag: null, DateTimeOffset.UtcNow)).ToArray();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{BlobWebhook.Path}?functionName=Host.Functions.{IngestFunction}") { Content = JsonContent.Create(events) };
            request.Headers.Add(EventGridPost.EventTypeHeader, EventGridPost.Notification);
            request.Headers.Add("x-functions-key", BlobsExtensionKey);
            using var response = await Http.SendAsync(request);
            response.EnsureSuccessStatusCode();
        }
    }

    /// <summary>Ingest invocations this instance finished, by outcome.</summary>
    public async Task<(long Succeeded, long Failed)> IngestInvocationsAsync()
    {
        var function = (await StatusAsync())?.GetProperty("functions").EnumerateArray().FirstOrDefault(f => f.GetProperty("name").GetString() == IngestFunction);
        return function is { } f
            ? (f.GetProperty("invocations").GetProperty("succeeded").GetInt64(), f.GetProperty("invocations").GetProperty("failed").GetInt64())
            : (0, 0); // none until the worker's catalog is in
    }

    /// <summary>The host's own stages since it started or since <see cref="ResetHostStagesAsync"/>.</summary>
    public async Task<IReadOnlyList<StageSummary>> HostStagesAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/host/stages");
        request.Headers.Add("x-functions-key", MasterKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<List<StageSummary>>())!;
    }

    public async Task ResetHostStagesAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "/admin/host/stages");
        request.Headers.Add("x-functions-key", MasterKey);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>CPU time the host and its worker have used so far (user + system, from /proc).</summary>
    public TimeSpan CpuTime() => HostCpuTime() + WorkerCpuTime();

    /// <summary>CPU time of the host process alone so far.</summary>
    public TimeSpan HostCpuTime() => ProcessCpu.Of(_process.Id);

    /// <summary>CPU time of the running worker so far (zero before it runs).</summary>
    public TimeSpan WorkerCpuTime() => WorkerProcessId is { } worker ? ProcessCpu.Of(worker) : TimeSpan.Zero;

    /// <summary>The host's working set now.</summary>
    public long WorkingSet()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out.");
            }

            await Task.Delay(200);
        }
    }

    private async Task<int?> RunningWorkerAsync()
    {
        var status = await StatusAsync();
        return status?.GetProperty("state").GetString() == "Running" ? status.Value.GetProperty("worker").GetProperty("processId").GetInt32() : null;
    }

    private async Task<JsonElement?> StatusAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/host/status");
            request.Headers.Add("x-functions-key", MasterKey);
            using var response = await Http.SendAsync(request);
            return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone() : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private void Keep(string? line)
    {
        if (line is not null && _log.Count < 400)
        {
            _log.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Http.Dispose();
    }
}

/// <summary>CPU time from /proc (Linux): of one process, and of the whole machine.</summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux this runs on

    /// <summary>User + system time of a process so far; zero once it is gone.</summary>
    public static TimeSpan Of(int processId)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{processId}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // the command name may hold spaces
            return TimeSpan.FromSeconds((long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>(busy, total) CPU time of the whole machine so far, summed over its cores.</summary>
    public static (TimeSpan Busy, TimeSpan Total) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum(); // user nice system idle iowait irq softirq steal
        var idle = fields[3] + fields[4];
        return (TimeSpan.FromSeconds((total - idle) / TicksPerSecond), TimeSpan.FromSeconds(total / TicksPerSecond));
    }
}
