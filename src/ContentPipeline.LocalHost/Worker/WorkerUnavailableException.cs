namespace ContentPipeline.LocalHost.Worker;

/// <summary>The worker went away (it exited or closed its stream) before it answered.</summary>
public sealed class WorkerUnavailableException : Exception
{
    public WorkerUnavailableException()
        : base("The worker is not running.")
    {
    }

    public WorkerUnavailableException(string message)
        : base(message)
    {
    }

    public WorkerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
