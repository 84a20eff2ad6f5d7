using System.Collections.Concurrent;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>The workers this host started and waits for: a stream is accepted only from a worker id it expects.</summary>
public sealed class WorkerConnections(ILoggerFactory loggers)
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<WorkerConnection>> _expected = new(StringComparer.Ordinal);

    /// <summary>Completes when the worker with <paramref name="workerId"/> opens its stream.</summary>
    public Task<WorkerConnection> ExpectAsync(string workerId) =>
        _expected.GetOrAdd(workerId, _ => new TaskCompletionSource<WorkerConnection>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>The connection of a worker that announced itself with <paramref name="workerId"/>; null for one nobody started.</summary>
    public WorkerConnection? Accept(string workerId)
    {
        if (!_expected.TryRemove(workerId, out var waiting))
        {
            return null;
        }

        var connection = new WorkerConnection(workerId, loggers);
        waiting.TrySetResult(connection);
        return connection;
    }

    /// <summary>Stops expecting a worker (it exited before connecting).</summary>
    public void Forget(string workerId) => _expected.TryRemove(workerId, out _);
}
