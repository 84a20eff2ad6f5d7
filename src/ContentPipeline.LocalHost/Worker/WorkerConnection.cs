using System.Collections.Concurrent;
using System.Threading.Channels;
using ContentPipeline.Diagnostics;
using ContentPipeline.LocalHost.Rpc;
using Grpc.Core;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// One worker's open <c>EventStream</c>: the host's requests go out one at a time on a single writer, each answer is
/// matched to its request (init, metadata, a function's load, an invocation's id), and the worker's <c>RpcLog</c>
/// messages become the host's log lines under the worker's categories.
/// </summary>
public sealed partial class WorkerConnection
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _pending = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;

    public WorkerConnection(string workerId, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        WorkerId = workerId;
        _loggers = loggers;
        _logger = loggers.CreateLogger<WorkerConnection>();
    }

    public string WorkerId { get; }

    /// <summary>Completes when the stream closes; every request still waiting then fails.</summary>
    public Task Closed => _closed.Task;

    /// <summary>Pumps the stream until either side ends it.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var writer = WriteAllAsync(responses, cancellationToken);
        try
        {
            while (await requests.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                Dispatch(requests.Current);
            }
        }
        finally
        {
            _outbound.Writer.TryComplete();
            foreach (var key in _pending.Keys)
            {
                if (_pending.TryRemove(key, out var waiting))
                {
                    waiting.TrySetException(new WorkerUnavailableException($"The worker {WorkerId} closed its stream before answering ({key})."));
                }
            }

            _closed.TrySetResult();
        }

        await writer.ConfigureAwait(false);
    }

    public async Task<WorkerInitResponse> InitAsync(WorkerInitRequest request, CancellationToken cancellationToken) =>
        (await RequestAsync(new StreamingMessage { WorkerInitRequest = request }, "init", cancellationToken).ConfigureAwait(false)).WorkerInitResponse;

    public async Task<FunctionMetadataResponse> GetMetadataAsync(FunctionsMetadataRequest request, CancellationToken cancellationToken) =>
        (await RequestAsync(new StreamingMessage { FunctionsMetadataRequest = request }, "metadata", cancellationToken).ConfigureAwait(false)).FunctionMetadataResponse;

    public async Task<FunctionLoadResponse> LoadAsync(FunctionLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return (await RequestAsync(new StreamingMessage { FunctionLoadRequest = request }, $"load:{request.FunctionId}", cancellationToken).ConfigureAwait(false)).FunctionLoadResponse;
    }

    /// <summary>
    /// Sends an invocation and waits for its response. When <paramref name="cancellationToken"/> fires, the worker is
    /// sent <c>InvocationCancel</c> and given <paramref name="grace"/> to answer (its answer is then Cancelled).
    /// </summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var key = $"invoke:{request.InvocationId}";
        var answer = Register(key);
        Send(new StreamingMessage { InvocationRequest = request });
        using (cancellationToken.Register(() => Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } })))
        {
            try
            {
                await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Cancelled: the worker was told; give it its grace to answer, then stop waiting.
                try
                {
                    await answer.Task.WaitAsync(grace, CancellationToken.None).ConfigureAwait(false);
                }
                catch (TimeoutException)
                {
                    _pending.TryRemove(key, out _);
                    throw new OperationCanceledException($"Invocation {request.InvocationId} was cancelled and the worker did not answer within {grace}.", cancellationToken);
                }
            }
        }

        return (await answer.Task.ConfigureAwait(false)).InvocationResponse;
    }

    /// <summary>Asks the worker to shut down (it may ignore it; the process is stopped after).</summary>
    public void Terminate(TimeSpan grace) =>
        Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(grace) } });

    private async Task<StreamingMessage> RequestAsync(StreamingMessage request, string key, CancellationToken cancellationToken)
    {
        var answer = Register(key);
        Send(request);
        try
        {
            return await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    private TaskCompletionSource<StreamingMessage> Register(string key)
    {
        var answer = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, answer))
        {
            throw new InvalidOperationException($"A request '{key}' is already waiting for the worker's answer.");
        }

        if (_closed.Task.IsCompleted && _pending.TryRemove(key, out _))
        {
            throw new WorkerUnavailableException($"The worker {WorkerId} is gone.");
        }

        return answer;
    }

    private void Send(StreamingMessage message)
    {
        message.RequestId = Guid.NewGuid().ToString();
        if (!_outbound.Writer.TryWrite(message))
        {
            throw new WorkerUnavailableException($"The worker {WorkerId} is gone.");
        }
    }

    private async Task WriteAllAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                await responses.WriteAsync(message, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
        {
            // The stream ended under the writer (the worker exited, or the host is stopping): the reader reports it.
            LogWriterStopped(_logger, WorkerId, ex.Message);
        }
    }

    private void Dispatch(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.WorkerInitResponse => "init",
            StreamingMessage.ContentOneofCase.FunctionMetadataResponse => "metadata",
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => $"load:{message.FunctionLoadResponse.FunctionId}",
            StreamingMessage.ContentOneofCase.InvocationResponse => $"invoke:{message.InvocationResponse.InvocationId}",
            _ => null,
        };
        if (key is not null)
        {
            if (_pending.TryRemove(key, out var waiting))
            {
                waiting.TrySetResult(message);
            }
            else
            {
                LogUnexpected(_logger, message.ContentCase.ToString(), key);
            }
        }
        else if (message.ContentCase == StreamingMessage.ContentOneofCase.RpcLog)
        {
            Log(message.RpcLog);
        }
    }

    /// <summary>A worker log line, under the worker's own category and level, its text made safe for a log line.</summary>
    private void Log(RpcLog log)
    {
        var level = log.Level switch
        {
            RpcLog.Types.Level.Trace => LogLevel.Trace,
            RpcLog.Types.Level.Debug => LogLevel.Debug,
            RpcLog.Types.Level.Information => LogLevel.Information,
            RpcLog.Types.Level.Warning => LogLevel.Warning,
            RpcLog.Types.Level.Error => LogLevel.Error,
            RpcLog.Types.Level.Critical => LogLevel.Critical,
            _ => LogLevel.None,
        };
        var logger = _loggers.CreateLogger(string.IsNullOrEmpty(log.Category) ? "Worker" : log.Category);
        if (level == LogLevel.None || !logger.IsEnabled(level))
        {
            return;
        }

        var error = log.Exception is { Message.Length: > 0 } e ? new WorkerException(e) : null;
#pragma warning disable CA1848, CA2254 // The worker formatted the message already: it is passed on as one escaped value.
        logger.Log(level, default, error, "{Message}", LogText.Escape(log.Message));
#pragma warning restore CA1848, CA2254
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stopped writing to worker {WorkerId}: {Reason}")]
    private static partial void LogWriterStopped(ILogger logger, string workerId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The worker sent {Kind} ({Key}) that no request was waiting for")]
    private static partial void LogUnexpected(ILogger logger, string kind, string key);
}
