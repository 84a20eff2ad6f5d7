using System.Collections.Concurrent;
using System.Text.Json;
using Azure.Storage.Blobs;
using ContentPipeline.IntegrationTests.EndToEnd;
using ContentPipeline.IntegrationTests.Infrastructure;
using ContentPipeline.LocalHost;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;
using ContentPipeline.LocalHost.Singleton;
using ContentPipeline.LocalHost.Storage;
using ContentPipeline.LocalHost.Timers;
using ContentPipeline.LocalHost.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ContentPipeline.IntegrationTests.LocalHost;

/// <summary>
/// The local host's timers, on a fake clock and against a real Azurite (the schedule monitor): schedule, no overlap,
/// IsPastDue, the monitor, and the singleton lock across instances. The function is a probe invoker that records the TimerInfo JSON the worker would get.
/// </summary>
public sealed class TimerSchedulerTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 26, 8, 0, 5, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly ProbeInvoker _probe = new();
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

        await AdvanceUntilAsync(() => _probe.Runs.Count == 1, TimeSpan.FromSeconds(1));
        await AdvanceUntilAsync(() => _probe.Runs.Count == 2, TimeSpan.FromSeconds(1));

        // Each run is the occurrence on a 10-second boundary (UTC), one after the other, none of them late.
        var runs = _probe.Runs.ToArray();
        Assert.All(runs, r => Assert.Equal(TimeSpan.Zero, r.Scheduled.Offset));
        Assert.All(runs, r => Assert.Equal(0, r.Scheduled.Second % 10));
        Assert.Equal(TimeSpan.FromSeconds(10), runs[1].Scheduled - runs[0].Scheduled);
        Assert.True(runs[0].Scheduled >= Start);
        Assert.All(runs, r => Assert.False(r.IsPastDue));
        await scheduler.StopAsync(default);
    }

    [Fact]
    public async Task ARunThatOverrunsItsInterval_IsNeverOverlappedByTheSchedule_ButAnAdminRunOverlapsIt_AndMissedOccurrencesAreNotQueuedUp()
    {
        using var scheduler = Create("*/10 * * * * *");
        _probe.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await scheduler.StartAsync(default);
        await AdvanceUntilAsync(() => _probe.Runs.Count == 1, TimeSpan.FromSeconds(1)); // 08:00:10, held at the gate

        var admin = scheduler.RunNowAsync(Probe, default); // as on Azure, an admin run does not take the singleton lock
        _clock.Advance(TimeSpan.FromSeconds(35)); // 08:00:20, :30 and :40 pass while the first run is still going
        _probe.Gate.SetResult();
        await admin;
        await AdvanceUntilAsync(() => _probe.Runs.Count == 3, TimeSpan.FromSeconds(1));

        var runs = _probe.Runs.ToArray();
        Assert.Equal(2, _probe.MaxRunning); // the scheduled run and the admin run, never two scheduled ones
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 0, 50, TimeSpan.Zero), runs[2].Scheduled); // the next occurrence, not :20
        Assert.All(runs, r => Assert.False(r.IsPastDue));
        await scheduler.StopAsync(default);
    }

    [Fact]
    public async Task AWakeUpLaterThanScheduled_RunsOnceWithIsPastDue_ThenOnSchedule()
    {
        using var scheduler = Create("0 */5 * * * *");
        await scheduler.StartAsync(default);
        await WaitForStatusAsync();

        _clock.Advance(TimeSpan.FromMinutes(12)); // the process was frozen past two occurrences
        await Wait.UntilAsync(() => Task.FromResult(_probe.Runs.Count == 1), "the timer ran", TimeSpan.FromSeconds(10));
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 26, 8, 14, 58, TimeSpan.Zero)); // just before the next occurrence, 08:15
        await AdvanceUntilAsync(() => _probe.Runs.Count == 2, TimeSpan.FromMilliseconds(500));

        Assert.Equal([true, false], _probe.Runs.Select(r => r.IsPastDue)); // one late run, then on time: nothing queued up
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

        await Wait.UntilAsync(() => Task.FromResult(_probe.Runs.Count == 1), "the timer ran", TimeSpan.FromSeconds(10));
        Assert.True(_probe.Runs.Single().IsPastDue);
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 5, 0, TimeSpan.Zero), _probe.Runs.Single().Scheduled);
        await second.StopAsync(default);
    }

    [Fact]
    public void AnInvalidSchedule_FailsAtStart()
    {
        using var scheduler = Create("every five minutes");

        var error = Assert.Throws<InvalidOperationException>(() => scheduler.ScheduleOf(Probe));

        Assert.Contains("NCRONTAB", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A timer function as the worker's metadata describes it.</summary>
    private static readonly FunctionDescriptor Probe = FunctionCatalog.From(
    [
        new RpcFunctionMetadata { Name = "Probe", FunctionId = "probe-id", RawBindings = { """{"name":"timer","direction":"In","type":"timerTrigger","schedule":"%ProbeSchedule%"}""" } },
    ]).Functions.Single();

    [Fact]
    public async Task OnSeveralInstances_EachOccurrenceRunsOnce_AndADeadHoldersScheduleIsTakenOverWhenItsLeaseRunsOut()
    {
        // A holder that died: it took the timer's singleton lease and will never renew it.
        var hosts = _blobs.GetBlobContainerClient("azure-webjobs-hosts");
        await hosts.CreateIfNotExistsAsync();
        var lockBlob = hosts.GetBlobClient("locks/contentpipeline-local/Host.Functions.Probe.Listener");
        await lockBlob.UploadAsync(BinaryData.Empty);
        await Azure.Storage.Blobs.Specialized.SpecializedBlobExtensions.GetBlobLeaseClient(lockBlob).AcquireAsync(TimeSpan.FromSeconds(15));
        var diedAt = DateTimeOffset.UtcNow;

        // Two live instances on real time, each with its own "worker".
        var (probeA, probeB) = (new ProbeInvoker(), new ProbeInvoker());
        var lockOptions = new LocalHostOptions { ListenerLockPeriod = TimeSpan.FromSeconds(15), ListenerLockRecoveryPollingInterval = TimeSpan.FromMilliseconds(500) };
        using var a = Create("* * * * * *", probeA, TimeProvider.System, lockOptions);
        using var b = Create("* * * * * *", probeB, TimeProvider.System, lockOptions);
        await a.StartAsync(default);
        await b.StartAsync(default);

        await Wait.UntilAsync(() => Task.FromResult(probeA.Runs.Count + probeB.Runs.Count >= 3), "the timer runs once the dead holder's lease runs out", TimeSpan.FromSeconds(40));
        var (first, second) = probeA.Runs.IsEmpty ? (b, probeA) : (a, probeB);
        var firstRun = probeA.Runs.Concat(probeB.Runs).Min(r => r.Scheduled);
        Assert.True(DateTimeOffset.UtcNow - diedAt >= TimeSpan.FromSeconds(14), "nothing ran while the dead holder's lease lasted");
        Assert.True(firstRun - diedAt >= TimeSpan.FromSeconds(13), $"the first run ({firstRun:O}) waited for the lease ({diedAt:O})");
        Assert.True(probeA.Runs.IsEmpty || probeB.Runs.IsEmpty, "one instance holds the schedule");

        // The holder stops (releasing its lease): the other takes the schedule over.
        await first.StopAsync(default);
        await Wait.UntilAsync(() => Task.FromResult(second.Runs.Count >= 3), "the other instance runs the timer", TimeSpan.FromSeconds(20));
        await (first == a ? b : a).StopAsync(default);

        var occurrences = probeA.Runs.Concat(probeB.Runs).Where(r => !r.IsPastDue).Select(r => r.Scheduled).ToList();
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count()); // no occurrence ran on both
    }

    private TimerScheduler Create(string schedule) => Create(schedule, _probe, _clock, new LocalHostOptions());

    private TimerScheduler Create(string schedule, ProbeInvoker probe, TimeProvider clock, LocalHostOptions options)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
        [
            new("Values:ProbeSchedule", schedule),
            new("Values:AzureWebJobsStorage", _azurite.ConnectionString),
        ]).Build();
        var settings = AppSettings.Load(null, configuration);
        var accounts = new StorageAccounts(settings);
        var lockOptions = Options.Create(options);
        return new TimerScheduler(new FixedCatalog(Probe), probe, accounts, settings, clock, lockOptions, new SingletonListenerLock(accounts, lockOptions, clock, NullLogger<SingletonListenerLock>.Instance), NullLogger<TimerScheduler>.Instance);
    }

    /// <summary>Advances the fake clock step by step, letting the scheduler's storage calls finish in between.</summary>
    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step)
    {
        // Real time between steps lets the scheduler finish what the last step set off (it writes its status to
        // storage before it computes its next wait); 50 ms proved too short on a busy two-core machine.
        for (var i = 0; i < 300 && !condition(); i++)
        {
            await Task.Delay(200);
            if (!condition())
            {
                _clock.Advance(step);
            }
        }

        Assert.True(condition(), "the condition never held");
    }

    private async Task WaitForStatusAsync()
    {
        var status = _blobs.GetBlobContainerClient("azure-webjobs-hosts").GetBlobClient("timers/contentpipeline-local/Host.Functions.Probe/status");
        await Wait.UntilAsync(async () => (await status.ExistsAsync()).Value, "the schedule monitor is written");
        using var json = JsonDocument.Parse((await status.DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 8, 5, 0, TimeSpan.Zero), json.RootElement.GetProperty("Next").GetDateTimeOffset());
    }

    private sealed class FixedCatalog(FunctionDescriptor function) : IFunctionCatalogSource
    {
        public Task<FunctionCatalog> Catalog { get; } = Task.FromResult(FunctionCatalog.From([function.Metadata]));
    }

    /// <summary>Stands in for the worker: reads the TimerInfo JSON it is sent, and can hold a run at a gate.</summary>
    private sealed class ProbeInvoker : IFunctionInvoker
    {
        private int _running;

        public ConcurrentQueue<(DateTimeOffset Scheduled, bool IsPastDue)> Runs { get; } = new();

        public int MaxRunning { get; private set; }

        public TaskCompletionSource Gate { get; set; } = Completed();

        public async Task<InvocationResult> InvokeAsync(FunctionDescriptor function, InvocationInput input, CancellationToken cancellationToken)
        {
            var running = Interlocked.Increment(ref _running);
            MaxRunning = Math.Max(MaxRunning, running);
            using var timer = JsonDocument.Parse(input.TriggerValue.Json);
            Runs.Enqueue((timer.RootElement.GetProperty("ScheduleStatus").GetProperty("Last").GetDateTimeOffset(), timer.RootElement.GetProperty("IsPastDue").GetBoolean()));
            try
            {
                await Gate.Task.WaitAsync(cancellationToken);
                return InvocationResult.Success(Guid.NewGuid().ToString());
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        private static TaskCompletionSource Completed()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            gate.SetResult();
            return gate;
        }
    }
}
