namespace ContentPipeline.Changes;

/// <summary>A sync token older than the change log's retention: the client syncs again from the start.</summary>
public sealed class SyncTokenExpiredException : Exception
{
    /// <summary>Creates the exception.</summary>
    public SyncTokenExpiredException()
        : base("The sync token is older than the change log keeps.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public SyncTokenExpiredException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public SyncTokenExpiredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
