using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ContentPipeline.Functions;

/// <summary>
/// Stops the worker when the host that started it is gone. The project's local host names itself in the
/// <see cref="Setting"/> setting; a host killed outright (<c>kill -9</c>) cannot stop its worker, and the worker's
/// gRPC stream breaking does not end the process, so the worker watches: within a couple of seconds of the host's
/// exit it stops, and exits outright should stopping take longer than <see cref="StopGrace"/>. Azure's host sets no
/// such setting (it manages its workers itself), and then this does nothing.
/// </summary>
public sealed partial class HostProcessWatch(IConfiguration configuration, IHostApplicationLifetime lifetime, TimeProvider time, ILogger<HostProcessWatch> logger) : BackgroundService
{
    /// <summary>The setting with the host's process id.</summary>
    public const string Setting = "LocalHost:HostProcessId";

    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!int.TryParse(configuration[Setting], out var hostId) || StartTimeOf(hostId) is not { } started)
        {
            return;
        }

        // Polled, by id and start time (a new process may get the id later): a process that is not this one's parent
        // in the .NET sense cannot be waited for reliably on every platform.
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false) && IsSameProcess(StartTimeOf(hostId), started))
            {
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // the worker is stopping anyway
        }

        LogHostGone(hostId);
        lifetime.StopApplication();
        _ = ExitUnlessStoppedAsync(); // not awaited: the stop waits for this service, which must not hold it up
    }

    /// <summary>A start time within a few seconds: Linux derives it from the boot time, which moves when the clock is stepped.</summary>
    private static bool IsSameProcess(DateTime? startTime, DateTime started) =>
        startTime is { } now && (now - started).Duration() < TimeSpan.FromSeconds(5);

    private async Task ExitUnlessStoppedAsync()
    {
        try
        {
            await Task.Delay(StopGrace, time, lifetime.ApplicationStopped).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // stopped in time
        }

        Environment.Exit(1); // still here: a worker with no host has nobody to answer
    }

    /// <summary>When the process <paramref name="id"/> started, or null when there is none (or it has exited).</summary>
    private static DateTime? StartTimeOf(int id)
    {
        try
        {
            using var process = Process.GetProcessById(id);
            return process.HasExited ? null : process.StartTime;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The host (process {ProcessId}) is gone; the worker stops")]
    private partial void LogHostGone(int processId);
}
