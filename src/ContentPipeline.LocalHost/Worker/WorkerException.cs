namespace ContentPipeline.LocalHost.Worker;

/// <summary>An exception the worker reported (its type, message and stack as text), so host logs show it whole.</summary>
public sealed class WorkerException : Exception
{
    private readonly string? _stackTrace;

    public WorkerException()
    {
    }

    public WorkerException(string message)
        : base(message)
    {
    }

    public WorkerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal WorkerException(Rpc.RpcException exception)
        : base(string.IsNullOrEmpty(exception.Type) ? exception.Message : $"{exception.Type}: {exception.Message}")
    {
        _stackTrace = exception.StackTrace;
    }

    public override string? StackTrace => _stackTrace ?? base.StackTrace;
}
