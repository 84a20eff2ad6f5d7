namespace ContentPipeline.LocalHost.Worker;

/// <summary>How an invocation ended: succeeded, or failed (or was cancelled) with the worker's reason.</summary>
public sealed record InvocationResult(string InvocationId, bool Succeeded, string? Error)
{
    public static InvocationResult Success(string invocationId) => new(invocationId, true, null);

    public static InvocationResult Failure(string invocationId, string error) => new(invocationId, false, error);
}
