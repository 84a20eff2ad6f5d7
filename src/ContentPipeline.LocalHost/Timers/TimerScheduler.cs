using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;
using ContentPipeline.LocalHost.Singleton;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Options;
using NCrontab;

namespace ContentPipeline.LocalHost.Timers;

/// <summary>
/// Runs timer-triggered functions as the Azure host does: 6-field NCRONTAB schedules in UTC (with <c>%Setting%</c>
/// expressions resolved from the app settings), one run at a time per function, a schedule monitor blob
/// (<c>azure-webjobs-hosts/timers/{hostId}/Host.Functions.{name}/status</c>) so that an occurrence missed while the host
/// was down runs once at start with <c>IsPastDue</c>, <c>RunOnStartup</c>, and no retry of a failed run. The worker gets
/// the <c>TimerInfo</c> JSON the Azure host sends. Across instances sharing <c>AzureWebJobsStorage</c> each timer's
/// schedule runs on one instance at a time, under the singleton lock Azure's host takes
/// (<see cref="SingletonListenerLock"/>, lock <c>Host.Functions.{name}.Listener</c>); when its holder dies, another
/// instance takes the schedule over and runs a missed occurrence as past due.
/// </summary>
public sealed partial class TimerScheduler : BackgroundService
{
    private static readonly TimeSpan LateTolerance = TimeSpan.FromSeconds(1);

    private readonly IFunctionCatalogSource _catalog;
    private readonly IFunctionInvoker _invoker;
    private readonly BlobContainerClient _hosts;
    private readonly AppSettings _settings;
    private readonly TimeProvider _time;
    private readonly LocalHostOptions _options;
    private readonly SingletonListenerLock _singleton;
    private readonly ILogger<TimerScheduler> _logger;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, CrontabSchedule> _schedules = new(StringComparer.OrdinalIgnoreCase);

    public TimerScheduler(IFunctionCatalogSource catalog, IFunctionInvoker invoker, StorageAccounts accounts, AppSettings settings, TimeProvider time, IOptions<LocalHostOptions> options, SingletonListenerLock singleton, ILogger<TimerScheduler> logger)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        _catalog = catalog;
        _invoker = invoker;
        _hosts = accounts.Blobs(StorageAccounts.HostConnection).GetBlobContainerClient(StorageAccounts.HostsContainer);
        _settings = settings;
        _time = time;
        _options = options.Value;
        _singleton = singleton;
        _logger = logger;
    }

    /// <summary>
    /// Runs a timer function now (the admin API). As on Azure, where the singleton lock guards the timer's listener and
    /// an admin run goes straight to the function, it does not wait for the lock: it may overlap a scheduled run.
    /// </summary>
    public async Task RunNowAsync(FunctionDescriptor function, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        await RunAsync(function, scheduled: _time.GetUtcNow(), isPastDue: false, cancellationToken, underLock: false).ConfigureAwait(false);
    }

    /// <summary>The parsed schedule of a timer function; a bad expression or a missing setting throws, naming the function.</summary>
    public CrontabSchedule ScheduleOf(FunctionDescriptor function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return _schedules.GetOrAdd(function.Name, _ =>
        {
            var expression = _settings.Resolve(function.Timer!.Schedule, $"timer {function.Name}");
            return CrontabSchedule.TryParse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true })
                ?? throw new InvalidOperationException($"Timer {function.Name}: '{expression}' is not a 6-field NCRONTAB expression (second minute hour day month weekday).");
        });
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timers = (await _catalog.TryGetAsync(stoppingToken).ConfigureAwait(false))?.Functions.Where(f => f.Timer is not null).ToList() ?? [];
        foreach (var timer in timers)
        {
            ScheduleOf(timer); // a bad schedule stops the host at start, as on Azure
        }

        try
        {
            await Task.WhenAll(timers.Select(f => _singleton.RunAsync($"{f.HostFunctionId}.Listener", listening => LoopAsync(f, listening, stoppingToken), stoppingToken))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>The schedule of one timer while this instance holds its lock (<paramref name="listening"/>); runs themselves stop only with the host.</summary>
    private async Task LoopAsync(FunctionDescriptor function, CancellationToken listening, CancellationToken stoppingToken)
    {
        try
        {
            var schedule = ScheduleOf(function);
            var status = function.Timer!.UseMonitor ? await ReadStatusAsync(function, listening).ConfigureAwait(false) : null;
            var started = _time.GetUtcNow();
            if (status?.Next is { } missed && missed < started)
            {
                LogMissed(function.Name, missed);
                await RunAsync(function, missed, isPastDue: true, stoppingToken).ConfigureAwait(false);
            }
            else if (function.Timer.RunOnStartup)
            {
                await RunAsync(function, started, isPastDue: false, stoppingToken).ConfigureAwait(false);
            }

            var last = status?.Last;
            while (!listening.IsCancellationRequested)
            {
                // After the last run's occurrence even when the clock reads a little earlier (a timer may wake a
                // millisecond early, another instance's clock may lag): an occurrence never runs twice.
                var now = _time.GetUtcNow();
                var next = new DateTimeOffset(schedule.GetNextOccurrence((last is { } l && l > now ? l : now).UtcDateTime), TimeSpan.Zero);
                await WriteStatusAsync(function, new ScheduleStatus(last, next, _time.GetUtcNow()), listening).ConfigureAwait(false);
                var wait = next - _time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _time, listening).ConfigureAwait(false);
                }

                var late = _time.GetUtcNow() - next > LateTolerance;
                await RunAsync(function, next, late, stoppingToken).ConfigureAwait(false);
                last = next;
            }
        }
        catch (OperationCanceledException) when (listening.IsCancellationRequested)
        {
            // The lock is lost or the host is stopping.
        }
    }

    private async Task RunAsync(FunctionDescriptor function, DateTimeOffset scheduled, bool isPastDue, CancellationToken cancellationToken, bool underLock = true)
    {
        var gate = underLock ? _locks.GetOrAdd(function.Name, _ => new SemaphoreSlim(1, 1)) : null;
        if (gate is not null)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (isPastDue)
            {
                LogPastDue(function.Name, scheduled);
            }

            var next = new DateTimeOffset(ScheduleOf(function).GetNextOccurrence(_time.GetUtcNow().UtcDateTime), TimeSpan.Zero);
            var info = JsonSerializer.Serialize(new
            {
                Schedule = new { AdjustForDST = true },
                ScheduleStatus = function.Timer!.UseMonitor ? new ScheduleStatus(scheduled, next, _time.GetUtcNow()) : null,
                IsPastDue = isPastDue,
            });
            var result = await _invoker.InvokeAsync(function, new InvocationInput(new TypedData { Json = info }, new Dictionary<string, TypedData>()), cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                // As on Azure, a failed timer run is logged and not retried; the next occurrence runs as scheduled.
                LogRunFailed(function.Name, result.Error ?? string.Empty);
            }
        }
        finally
        {
            gate?.Release();
        }
    }

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
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            LogMonitorFailed(ex, function.Name);
            return null;
        }
    }

    private async Task WriteStatusAsync(FunctionDescriptor function, ScheduleStatus status, CancellationToken cancellationToken)
    {
        if (!function.Timer!.UseMonitor)
        {
            return;
        }

        try
        {
            await _hosts.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await _hosts.GetBlobClient(StatusPath(function)).UploadAsync(BinaryData.FromObjectAsJson(status), overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StorageErrors.IsStorageFailure(ex))
        {
            // A missed monitor write only weakens the IsPastDue check after a restart; the schedule goes on.
            LogMonitorFailed(ex, function.Name);
        }
    }

    private string StatusPath(FunctionDescriptor function) => $"timers/{_options.HostId}/{function.HostFunctionId}/status";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function}: could not read or write its schedule monitor")]
    private partial void LogMonitorFailed(Exception exception, string function);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function} missed its occurrence at {Scheduled} while the host was down; running it now")]
    private partial void LogMissed(string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer {Function} is past due (scheduled {Scheduled})")]
    private partial void LogPastDue(string function, DateTimeOffset scheduled);

    [LoggerMessage(Level = LogLevel.Error, Message = "Timer {Function} failed; it runs again at its next occurrence: {Error}")]
    private partial void LogRunFailed(string function, string error);

    /// <summary>The schedule monitor's record, and <c>TimerInfo.ScheduleStatus</c> as the worker reads it.</summary>
    private sealed record ScheduleStatus(DateTimeOffset? Last, DateTimeOffset? Next, DateTimeOffset LastUpdated);
}
