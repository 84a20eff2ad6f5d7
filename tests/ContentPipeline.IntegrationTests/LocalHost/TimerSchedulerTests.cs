using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using ContentPipeline.IntegrationTests.EndToEnd;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Timers;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ContentPipeline.IntegrationTests.LocalHost;

/// <summary>A timer function of this test assembly, so the scheduler's behaviour can be observed and slowed down.</summary>
public sealed class ProbeTimer(ProbeTimer.Recorder recorder)
{
    public const string Schedule = "%ProbeSchedule%";

    [Function("Probe")]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var running = Interlocked.Increment(ref recorder.Running);
        recorder.MaxRunning = Math.Max(recorder.MaxRunning, running);
        recorder.Runs.Enqueue(timer.IsPastDue);
        recorder.Scheduled.Enqueue(timer.ScheduleStatus!.Last);
        try
        {
            await recorder.Gate.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref recorder.Running);
        }
    }

    public sealed class Recorder
    {
#pragma warning disable CA1051 // a test probe: plain counters
        public int Running;
        public int MaxRunning;
#pragma warning restore CA1051

        public ConcurrentQueue<bool> Runs { get; } = new();

        public ConcurrentQueue<DateTime> Scheduled { get; } = new();

        public TaskCompletionSource Gate { get; set; } = CompletedGate();

        public static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }
    }
}

/// <summary>The local host's timers, on a fake clock (no sleeping): schedule, no overlap, IsPastDue, the schedule monitor.</summary>
public sealed class TimerSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 5, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ProbeTimer.Recorder _recorder = new();
    private Azurite _azurite = null!;
    private BlobServiceClient _blobs = null!;

    public async Task InitializeAsync()
    {
        _azurite = await Azurite.StartAsync();
        _blobs = new BlobServiceClient(_azurite.ConnectionString);
    }

    public async Task DisposeAsync() => await _azurite.DisposeAsync();

    [Fact]
    public async Task RunsAtEachOccurrence_InUtc_FromTheScheduleSetting()
    {
        using var scheduler = Create("*/10 * * * * *");
        await scheduler.StartAsync(default);

        await AdvanceUntilAsync(() => _recorder.Runs.Count == 1, TimeSpan.FromSeconds(1));
        await AdvanceUntilAsync(() => _recorder.Runs.Count == 2, TimeSpan.FromSeconds(1));

        // Each run is the occurrence on a 10-second boundary (UTC), one after the other, none of them late.
        var scheduled = _recorder.Scheduled.ToArray();
        Assert.Equal(DateTimeKind.Utc, scheduled[0].Kind);
        Assert.All(scheduled, s => Assert.Equal(0, s.Second % 10));
        Assert.Equal(TimeSpan.FromSeconds(10), scheduled[1] - scheduled[0]);
        Assert.True(scheduled[0] >= Start.UtcDateTime);
        Assert.All(_recorder.Runs, pastDue => Assert.False(pastDue));
        await scheduler.StopAsync(default);
    }

    [Fact]
    public async Task ARunThatOverrunsItsInterval_IsNeverOverlapped_AndMissedOccurrencesAreNotQueuedUp()
    {
        using var scheduler = Create("*/10 * * * * *");
        _recorder.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await scheduler.StartAsync(default);
        await AdvanceUntilAsync(() => _recorder.Runs.Count == 1, TimeSpan.FromSeconds(1));

        var admin = scheduler.RunNowAsync(Probe(scheduler), default); // the admin API during a run waits for it
        _clock.Advance(TimeSpan.FromSeconds(35)); // three occurrences pass while the first run is still going
        await Task.Delay(200);
        Assert.Single(_recorder.Runs);
        _recorder.Gate.SetResult();
        await admin;
        await AdvanceUntilAsync(() => _recorder.Runs.Count == 3, TimeSpan.FromSeconds(1));

        Assert.Equal(1, _recorder.MaxRunning);
        Assert.Equal([false, false, false], _recorder.Runs.Take(3)); // missed occurrences are not queued up
        await scheduler.StopAsync(default);
    }

    [Fact]
    public async Task AWakeUpLaterThanScheduled_RunsOnceWithIsPastDue()
    {
        using var scheduler = Create("0 */5 * * * *");
        await scheduler.StartAsync(default);
        await WaitForStatusAsync();

        _clock.Advance(TimeSpan.FromMinutes(12)); // the process was frozen past two occurrences

        await EventuallyAsync(() => _recorder.Runs.Count == 1);
        await Task.Delay(200);
        Assert.Equal([true], _recorder.Runs);
        await scheduler.StopAsync(default);
    }

    [Fact]
    public async Task AnOccurrenceMissedWhileTheHostWasDown_RunsOnceAtStartWithIsPastDue()
    {
        using (var first = Create("0 */5 * * * *"))
        {
            await first.StartAsync(default);
            await WaitForStatusAsync(); // the monitor records the next occurrence, 08:05
            await first.StopAsync(default);
        }

        _clock.Advance(TimeSpan.FromHours(1)); // the host is down for an hour
        using var second = Create("0 */5 * * * *");
        await second.StartAsync(default);

        await EventuallyAsync(() => _recorder.Runs.Count == 1);
        Assert.Equal([true], _recorder.Runs);
        await second.StopAsync(default);
    }

    [Fact]
    public void AnInvalidSchedule_FailsAtStart()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Create("every five minutes"));

        Assert.Contains("NCRONTAB", error.Message, StringComparison.Ordinal);
    }

    private TimerScheduler Create(string schedule)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("ProbeSchedule", schedule)]).Build();
        var services = new ServiceCollection().AddSingleton(_recorder).BuildServiceProvider();
        var catalog = new FunctionCatalog(typeof(ProbeTimer).Assembly);
        return new TimerScheduler(catalog, new FunctionInvoker(services), _blobs, configuration, _clock, Options.Create(new LocalHostOptions()), NullLogger<TimerScheduler>.Instance);
    }

    private static FunctionDescriptor Probe(TimerScheduler scheduler) => new FunctionCatalog(typeof(ProbeTimer).Assembly).Find("Probe")!;

    /// <summary>Advances the fake clock step by step, letting the scheduler's storage calls finish in between.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
            if (!condition())
            {
                _clock.Advance(step);
            }
        }

        Assert.True(condition(), "the condition never held");
    }

    private async Task WaitForStatusAsync()
    {
        var status = _blobs.GetBlobContainerClient("azure-webjobs-hosts").GetBlobClient("timers/contentpipeline-local/ContentPipeline.IntegrationTests.LocalHost.ProbeTimer.RunAsync/status");
        await LocalHostFixture.EventuallyAsync(async () => (await status.ExistsAsync()).Value, "the schedule monitor is written");
        using var json = JsonDocument.Parse((await status.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(new DateTime(2026, 11, 26, 8, 5, 0, DateTimeKind.Utc), json.RootElement.GetProperty("Next").GetDateTime().ToUniversalTime());
        await Task.Delay(100); // the scheduler is now waiting on the clock
    }

    private static Task EventuallyAsync(Func<bool> condition) =>
        LocalHostFixture.EventuallyAsync(() => Task.FromResult(condition()), "the timer ran", TimeSpan.FromSeconds(10));
}
