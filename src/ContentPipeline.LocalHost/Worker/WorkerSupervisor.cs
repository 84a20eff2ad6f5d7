using System.Net.Sockets;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;
using Microsoft.Extensions.Options;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// Starts the worker and keeps one running, as the Azure host does: the handshake (<c>StartStream</c>,
/// <c>WorkerInitRequest</c>, <c>FunctionsMetadataRequest</c>, a <c>FunctionLoadRequest</c> per function), then the
/// worker is ready; when it exits, invocations in flight fail and a new worker is started after a pause.
/// </summary>
public sealed partial class WorkerSupervisor : BackgroundService, IFunctionCatalogSource
{
    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(5);

    private readonly WorkerConnections _connections;
    private readonly AppSettings _settings;
    private readonly LocalHostOptions _options;
    private readonly ILogger<WorkerSupervisor> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly TaskCompletionSource<FunctionCatalog> _catalog = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<ActiveWorker> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private RunningWorker? _current;

    private readonly IHostApplicationLifetime _lifetime;

    public WorkerSupervisor(WorkerConnections connections, AppSettings settings, IOptions<LocalHostOptions> options, IHostApplicationLifetime lifetime, ILogger<WorkerSupervisor> logger, ILoggerFactory loggers)
    {
        _lifetime = lifetime;
        _connections = connections;
        _settings = settings;
        _options = options.Value;
        _logger = logger;
        _loggers = loggers;
    }

    /// <summary>The app's functions, once the first worker has described them (or the reason it could not).</summary>
    public Task<FunctionCatalog> Catalog => _catalog.Task;

    /// <summary>The running worker's process id (the admin status shows it).</summary>
    public int? WorkerProcessId { get; private set; }

    /// <summary>Workers started after the first one (after an exit or a failed start).</summary>
    public int Restarts { get; private set; }

    /// <summary>Whether a worker is ready now.</summary>
    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    /// <summary>
    /// Stops <paramref name="worker"/> at once, if it is still the running one, and starts another, as the Azure host
    /// does when an invocation outlives <c>functionTimeout</c>: no grace, and every invocation in flight fails.
    /// </summary>
    public void Recycle(ActiveWorker worker)
    {
        if (Volatile.Read(ref _current) is { } current && ReferenceEquals(current.Worker, worker))
        {
            current.Recycle.TrySetResult();
        }
    }

    /// <summary>The ready worker, waiting for one while it starts or restarts.</summary>
    public Task<ActiveWorker> WhenReadyAsync(CancellationToken cancellationToken) => Volatile.Read(ref _ready).Task.WaitAsync(cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // The host stopping (not only this service): a worker that exits then is not started again.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, _lifetime.ApplicationStopping);
        var stoppingToken = stopping.Token;
        await using var rpc = await WorkerRpcServer.StartAsync(_connections, stoppingToken).ConfigureAwait(false);
        for (var failures = 0; !stoppingToken.IsCancellationRequested; failures++)
        {
            try
            {
                await RunOnceAsync(rpc.Address, () => failures = 0, stoppingToken).ConfigureAwait(false);
            }
            catch (NotSupportedException ex)
            {
                // The app has a function this host cannot serve: stop, naming it (the exception stops the host).
                _catalog.TrySetException(ex);
                Volatile.Read(ref _ready).TrySetException(ex);
                throw;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is WorkerUnavailableException or InvalidOperationException or TimeoutException or IOException)
            {
                LogWorkerFailed(ex);
                if (!_catalog.Task.IsCompleted && failures >= 2)
                {
                    // A worker that never starts is a broken package or setting: say so to everyone waiting.
                    _catalog.TrySetException(ex);
                    _ready.TrySetException(ex);
                    return;
                }
            }

            if (!stoppingToken.IsCancellationRequested)
            {
                var pause = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures)));
                LogRestarting(pause);
                await Task.Delay(pause, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RunOnceAsync(Uri rpcAddress, Action started, CancellationToken stoppingToken)
    {
        var workerId = Guid.NewGuid().ToString();
        var connecting = _connections.ExpectAsync(workerId);
        await using var process = WorkerProcess.Start(new WorkerLaunch(_options.AppPath, rpcAddress, workerId, _settings.WorkerOverlay), _loggers.CreateLogger<WorkerProcess>());
        Restarts += WorkerProcessId is null ? 0 : 1;
        WorkerProcessId = process.Id;
        try
        {
            using var startup = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            startup.CancelAfter(_options.WorkerStartTimeout);
            var worker = await HandshakeAsync(connecting, process, startup.Token).ConfigureAwait(false);
            var recycle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _current, new RunningWorker(worker, recycle));
            Volatile.Read(ref _ready).TrySetResult(worker);
            _catalog.TrySetResult(worker.Catalog);
            started();
            LogReady(worker.Catalog.Functions.Count, worker.HttpUri?.AbsoluteUri ?? "none");

            await Task.WhenAny(process.Exited, worker.Connection.Closed, recycle.Task, Task.Delay(Timeout.Infinite, stoppingToken)).ConfigureAwait(false);
            Volatile.Write(ref _ready, new TaskCompletionSource<ActiveWorker>(TaskCreationOptions.RunContinuationsAsynchronously));
            Volatile.Write(ref _current, null);
            if (recycle.Task.IsCompleted && !process.Exited.IsCompleted)
            {
                LogRecycling(process.Id);
                return; // disposing the process kills it; its stream closes and every invocation in flight fails
            }

            if (stoppingToken.IsCancellationRequested)
            {
                worker.Connection.Terminate(TerminateGrace);
                await Task.WhenAny(process.Exited, Task.Delay(TerminateGrace, CancellationToken.None)).ConfigureAwait(false);
                return;
            }

            LogWorkerExited(process.ExitCode);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The worker did not start and load its functions within {_options.WorkerStartTimeout}.");
        }
        finally
        {
            _connections.Forget(workerId);
        }
    }

    private async Task<ActiveWorker> HandshakeAsync(Task<WorkerConnection> connecting, WorkerProcess process, CancellationToken cancellationToken)
    {
        if (await Task.WhenAny(connecting, process.Exited).WaitAsync(cancellationToken).ConfigureAwait(false) != connecting)
        {
            throw new WorkerUnavailableException($"The worker exited (code {process.ExitCode}) before it connected; its console output is in the log above.");
        }

        var connection = await connecting.ConfigureAwait(false);
        var appDirectory = _options.AppPath;
        var init = await connection.InitAsync(
            new WorkerInitRequest { HostVersion = "4.0.0-contentpipeline-local", WorkerDirectory = appDirectory, FunctionAppDirectory = appDirectory },
            cancellationToken).ConfigureAwait(false);
        EnsureSucceeded(init.Result, "initialise");
        var httpUri = init.Capabilities.TryGetValue("HttpUri", out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null;

        var metadata = await connection.GetMetadataAsync(new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory }, cancellationToken).ConfigureAwait(false);
        EnsureSucceeded(metadata.Result, "describe its functions");
        if (metadata.UseDefaultMetadataIndexing)
        {
            throw new InvalidOperationException("The worker asked the host to index its functions from function.json files; this host only takes the worker's own metadata.");
        }

        var catalog = FunctionCatalog.From(metadata.FunctionMetadataResults);
        var loads = await Task.WhenAll(catalog.Functions.Select(f => connection.LoadAsync(new FunctionLoadRequest { FunctionId = f.FunctionId, Metadata = f.Metadata }, cancellationToken))).ConfigureAwait(false);
        foreach (var load in loads)
        {
            EnsureSucceeded(load.Result, $"load function {load.FunctionId}");
        }

        if (httpUri is not null)
        {
            await WaitUntilListeningAsync(httpUri, cancellationToken).ConfigureAwait(false);
        }

        return new ActiveWorker(connection, catalog, httpUri);
    }

    private static void EnsureSucceeded(StatusResult result, string what)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker could not {what}: {result.Exception?.Message} {result.Exception?.StackTrace}".Trim());
        }
    }

    /// <summary>The worker's web server starts after its init answer: wait until it accepts connections.</summary>
    private static async Task WaitUntilListeningAsync(Uri uri, CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(uri.Host, uri.Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The running worker and the signal that recycles it (read from timer threads: one reference, swapped whole).</summary>
    private sealed record RunningWorker(ActiveWorker Worker, TaskCompletionSource Recycle);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker ready: {Count} functions loaded; HTTP at {HttpUri}")]
    private partial void LogReady(int count, string httpUri);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker exited (code {ExitCode}); invocations in flight failed")]
    private partial void LogWorkerExited(int? exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "An invocation outlived functionTimeout: stopping worker process {ProcessId} and starting another; invocations in flight fail")]
    private partial void LogRecycling(int processId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The worker failed")]
    private partial void LogWorkerFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Starting a new worker in {Pause}")]
    private partial void LogRestarting(TimeSpan pause);
}
