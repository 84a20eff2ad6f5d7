using System.Collections.Concurrent;
using System.Diagnostics;
using ContentPipeline.LocalHost.Catalog;
using ContentPipeline.LocalHost.Rpc;

namespace ContentPipeline.LocalHost.Worker;

/// <summary>
/// Invokes functions in the worker: an <c>InvocationRequest</c> with the trigger's value, the trigger metadata and a
/// trace context (the worker needs one), then the worker's <c>InvocationResponse</c>. A run whose caller gives up (an
/// HTTP client that disconnects, the host stopping) is cancelled (<c>InvocationCancel</c>) and counted failed. A run
/// longer than host.json's <c>functionTimeout</c> restarts the worker, as the Azure host does: no grace, and every
/// invocation in flight fails with it (see <see cref="WorkerSupervisor.Recycle"/>).
/// </summary>
public sealed partial class WorkerInvoker(WorkerSupervisor supervisor, HostJson hostJson, ILogger<WorkerInvoker> logger) : IFunctionInvoker
{
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, InvocationCounts> _counts = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyDictionary<string, InvocationCounts> Counts => _counts;

    public async Task<InvocationResult> InvokeAsync(FunctionDescriptor function, InvocationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(input);
        var worker = await supervisor.WhenReadyAsync(cancellationToken).ConfigureAwait(false);
        var request = new InvocationRequest
        {
            InvocationId = input.InvocationId ?? Guid.NewGuid().ToString(),
            FunctionId = worker.Catalog.Find(function.Name)?.FunctionId ?? function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01" },
        };
        request.InputData.Add(new ParameterBinding { Name = function.TriggerParameter, Data = input.TriggerValue });
        foreach (var (name, value) in input.TriggerMetadata)
        {
            request.TriggerMetadata[name] = value;
        }

        var counts = _counts.GetOrAdd(function.Name, _ => new InvocationCounts());
        counts.Start();
        using var timeout = new CancellationTokenSource(hostJson.FunctionTimeout);
        using var restartOnTimeout = timeout.Token.Register(() => supervisor.Recycle(worker));
        InvocationResult result;
        try
        {
            var response = await worker.Connection.InvokeAsync(request, CancelGrace, cancellationToken).ConfigureAwait(false);
            result = response.Result.Status == StatusResult.Types.Status.Success
                ? InvocationResult.Success(request.InvocationId)
                : InvocationResult.Failure(request.InvocationId, Describe(response.Result));
        }
        catch (WorkerUnavailableException ex) when (timeout.IsCancellationRequested)
        {
            result = InvocationResult.Failure(request.InvocationId, $"Timed out after {hostJson.FunctionTimeout} (host.json functionTimeout): the worker was restarted. {ex.Message}");
        }
        catch (WorkerUnavailableException ex)
        {
            result = InvocationResult.Failure(request.InvocationId, ex.Message);
        }
        catch (OperationCanceledException)
        {
            counts.End(succeeded: false);
            throw;
        }

        counts.End(result.Succeeded);
        if (!result.Succeeded)
        {
            LogFailed(function.Name, request.InvocationId, result.Error ?? string.Empty);
        }

        return result;
    }

    private static string Describe(StatusResult result) =>
        result.Status == StatusResult.Types.Status.Cancelled
            ? "Cancelled."
            : result.Exception is { } e ? $"{e.Type}: {e.Message}".Trim(' ', ':') : "The worker reported a failure without an exception.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Function} failed (invocation {InvocationId}): {Error}")]
    private partial void LogFailed(string function, string invocationId, string error);
}
