using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using ContentPipeline.LocalHost.Blobs;
using ContentPipeline.LocalHost.Catalog;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NCrontab;

namespace ContentPipeline.LocalHost.Timers;

/// <summary>
/// Runs timer-triggered functions as the Azure host does: 6-field NCRONTAB schedules in UTC (with <c>%Setting%</c>
/// expressions resolved from configuration), one run at a time per function, a schedule monitor blob
/// (<c>azure-webjobs-hosts/timers/{hostId}/{functionId}/status</c>) so that an occurrence missed while the host was down
/// runs once at start with <c>IsPastDue</c>, <c>RunOnStartup</c>, and no retry of a failed run.
/// </summary>
public sealed partial class TimerScheduler : BackgroundService
{
    private static readonly TimeSpan LateTolerance = TimeSpan.FromSeconds(1);

    private readonly FunctionCatalog _catalog;
    private readonly FunctionInvoker _invoker;
    private readonly BlobContainerClient _hosts;
    private readonly IConfiguration _configuration;
    private readonly TimeProvider _time;
    private readonly LocalHostOptions _options;
    private readonly ILogger<TimerScheduler> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.OrdinalIgnoreCase);

    public TimerScheduler(FunctionCatalog catalog, FunctionInvoker invoker, BlobServiceClient blobs, IConfiguration configuration, TimeProvider time, IOptions<LocalHostOptions> options, ILogger<TimerScheduler> logger)
    {
        _catalog = catalog;
        _invoker = invoker;
        _hosts = blobs.GetBlobContainerClient(BlobReceipts.Container);
        _configuration = configuration;
        _time = time;
        _options = options.Value;
        _logger = logger;
        Schedules = catalog.Functions.Where(f => f.Kind == TriggerKind.Timer).ToDictionary(f => f.Name, f => Parse(f), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The parsed schedule of every timer function (a bad expression fails the host at start).</summary>
    public IReadOnlyDictionary<string, CrontabSchedule> Schedules { get; }

    /// <summary>Runs a timer function now (the admin API), after any run in progress: runs never overlap.</summary>
    public async Task RunNowAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var now = _time.GetUtcNow();
        await RunAsync(function, scheduled: now, isPastDue: false, cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_catalog.Functions.Where(f => f.Kind == TriggerKind.Timer).Select(f => LoopAsync(f, stoppingToken)));

    private async Task LoopAsync(FunctionDescriptor function, CancellationToken stoppingToken)
    {
        var schedule = Schedules[function.Name];
        var status = function.Timer.UseMonitor ? await ReadStatusAsync(function, stoppingToken).ConfigureAwait(false) : null;
        var now = _time.GetUtcNow();
        if (status?.Next is { } missed && missed < now)
        {
            LogMissed(function.Name, missed);
            await RunAsync(function, missed, isPastDue: true, stoppingToken).ConfigureAwait(false);
        }
        else if (function.Timer.RunOnStartup)
        {
            await RunAsync(function, now, isPastDue: false, stoppingToken).ConfigureAwait(false);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var next = new DateTimeOffset(schedule.GetNextOccurrence(_time.GetUtcNow().UtcDateTime), TimeSpan.Zero);
            await WriteStatusAsync(function, last: status?.Last, next, stoppingToken).ConfigureAwait(false);
            var wait = next - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, stoppingToken).ConfigureAwait(false);
            }

            var late = _time.GetUtcNow() - next > LateTolerance;
            await RunAsync(function, next, late, stoppingToken).ConfigureAwait(false);
            status = new ScheduleStatus { Last = next.UtcDateTime, Next = next.UtcDateTime, LastUpdated = _time.GetUtcNow().UtcDateTime };
        }
    }

    private async Task RunAsync(FunctionDescriptor function, DateTimeOffset scheduled, bool isPastDue, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(function.Name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (isPastDue)
            {
                LogPastDue(function.Name, scheduled);
            }

            var info = new TimerInfo
            {
                IsPastDue = isPastDue,
                ScheduleStatus = new ScheduleStatus { Last = scheduled.UtcDateTime, Next = Schedules[function.Name].GetNextOccurrence(_time.GetUtcNow().UtcDateTime), LastUpdated = _time.GetUtcNow().UtcDateTime },
            };
            await _invoker.InvokeAsync(function, new TriggerInput(Timer: info), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // As on Azure, a failed timer run is logged and not retried; the next occurrence runs as scheduled.
            LogRunFailed(ex, function.Name);
        }
        finally
        {
            gate.Release();
        }
    }

    private CrontabSchedule Parse(FunctionDescriptor function)
    {
        var expression = ResolveSettings(function.Timer.Schedule);
        return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
            ?? throw new InvalidOperationException($"Timer {function.Name}: '{expression}' is not a 6-field NCRONTAB expression (second minute hour day month weekday).");
    }

    private string ResolveSettings(string expression) =>
        SettingExpression().Replace(expression, m => _configuration[m.Groups[1].Value.Replace("__", ":", StringComparison.Ordinal)]
            ?? throw new InvalidOperationException($"Setting '{m.Groups[1].Value}' used in a timer schedule is not set."));

    /// <summary>Reads the schedule monitor; storage trouble means "no status" (the timer still runs), never a stopped host.</summary>
    private async Task<ScheduleStatus?> ReadStatusAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        try
        {
            var content = await _hosts.GetBlobClient(StatusPath(function)).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize<ScheduleStatus>(content.Value.Content.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (RequestFailedException ex)
        {
            LogMonitorFailed(ex, function.Name);
            return null;
        }
    }

    private async Task WriteStatusAsync(FunctionDescriptor function, DateTime? last, DateTimeOffset next, CancellationToken cancellationToken)
    {
        if (!function.Timer.UseMonitor)
        {
            return;
        }

        var status = new ScheduleStatus { Last = last ?? default, Next = next.UtcDateTime, LastUpdated = _time.GetUtcNow().UtcDateTime };
        try
        {
            await _hosts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await _hosts.GetBlobClient(StatusPath(function)).UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex)
        {
            // A missed monitor write only weakens the IsPastDue check after a restart; the schedule goes on.
            LogMonitorFailed(ex, function.Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function}: could not read or write its schedule monitor")]
    private partial void LogMonitorFailed(Exception exception, string function);

    private string StatusPath(FunctionDescriptor function) => $"timers/{_options.HostId}/{function.FunctionId}/status";

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingExpression();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function} missed its occurrence at {Scheduled} while the host was down; running it now")]
    private partial void LogMissed(string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function} is past due (scheduled {Scheduled})")]
    private partial void LogPastDue(string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed; it runs again at its next occurrence")]
    private partial void LogRunFailed(Exception exception, string function);
}
